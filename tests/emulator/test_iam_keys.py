"""IAM v1 API keys and restricted keys' policies, through the real twilio SDK.

Keys are created, listed, fetched, updated and deleted through `client.iam` (Twilio's answers
checked against its own description, vendored in spec/); the secret is answered once and kept
only as a digest, across a restart; a restricted key reaches exactly what its policy grants,
on every API the emulator serves, and is refused the rest with 403 / 20403 naming the
permission it lacks (docs/emulator.md, "Restricted API keys").
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
from twilio.base.exceptions import TwilioException
from twilio.rest import Client

from reconciler.emulator import defaults, registry
from reconciler.emulator.server import EmulatorServer
from reconciler.live.connection import ConnectionSettings, build_client
from reconciler.live.retry import http_status, twilio_code
from reconciler.permissions import table
from tests.conftest import close_client
from tests.emulator.test_neighbour_apis import check, sdk

IAM = "twilio_iam_v1.openapi.subset.json"
NUMBERS = itertools.count(1)
ACCOUNT = defaults.ACCOUNT_SID


def aim_iam(client: Client, url: str) -> Client:
    """The engine never calls IAM, so `build_client` leaves it at Twilio: aim it here, with
    its host in the path as for Messaging and Studio (docs/emulator.md, "Hosts")."""
    client.iam.base_url = f"{url}/iam.twilio.com"
    return client


@contextmanager
def admin(url: str) -> Iterator[Client]:
    """The account's auth token: it may manage keys."""
    with sdk(url) as client:
        yield aim_iam(client, url)


@contextmanager
def as_key(url: str, sid: str, secret: str) -> Iterator[Client]:
    """The client every command builds, with an API key (TWILIO_API_KEY, TWILIO_API_SECRET)."""
    settings = ConnectionSettings(account_sid=ACCOUNT, username=sid, password=secret)
    client = aim_iam(build_client(settings, url), url)
    try:
        yield client
    finally:
        close_client(client)


def restricted(client: Client, *allow: str) -> Any:
    return client.iam.v1.new_api_key.create(
        account_sid=ACCOUNT, friendly_name="ci", key_type="restricted", policy={"allow": [*allow]}
    )


def refusal(call: Callable[[], Any]) -> tuple[int | None, int | None, str]:
    """(HTTP status, Twilio code, message) of a refused call, a list page's included."""
    with pytest.raises(TwilioException) as refused:
        call()
    code, message = twilio_code(refused.value)
    return http_status(refused.value), code, message or ""


def test_keys_in_twilios_shape(emulator: EmulatorServer) -> None:
    url = f"{emulator.url}/iam.twilio.com/v1/Keys"
    auth = (ACCOUNT, defaults.AUTH_TOKEN)
    created = requests.post(url, {"AccountSid": ACCOUNT, "FriendlyName": "deploy"}, auth=auth)
    assert created.status_code == 201, created.text
    check(IAM, created.json(), "/v1/Keys", "post", 201)
    standard = created.json()
    assert standard["sid"].startswith("SK") and standard["secret"] and standard["policy"] is None
    policy = {"allow": ["/twilio/studio/flows/read"]}
    answer = requests.post(
        url,
        {"AccountSid": ACCOUNT, "KeyType": "restricted", "Policy": json.dumps(policy)},
        auth=auth,
    )
    check(IAM, answer.json(), "/v1/Keys", "post", 201)
    assert answer.json()["policy"] == policy
    fetched = requests.get(f"{url}/{answer.json()['sid']}", auth=auth).json()
    check(IAM, fetched, "/v1/Keys/{Sid}", "get", 200)
    assert "secret" not in fetched and fetched["policy"] == policy
    listing = requests.get(url, {"AccountSid": ACCOUNT, "PageSize": 1}, auth=auth).json()
    check(IAM, listing, "/v1/Keys", "get", 200)
    assert [item["flags"] for item in listing["keys"]] == [["rest_api", "signing"]]
    assert listing["meta"]["key"] == "keys" and "AccountSid=" in listing["meta"]["next_page_url"]
    assert "secret" not in json.dumps(listing)


def test_keys_through_the_sdk(emulator: EmulatorServer) -> None:
    with admin(emulator.url) as client:
        key = restricted(client, "/twilio/conversations/services/list")
        assert key.secret and key.policy == {"allow": ["/twilio/conversations/services/list"]}
        keys = client.iam.v1.get_api_keys.list(account_sid=ACCOUNT)
        assert [(k.sid, k.flags) for k in keys] == [(key.sid, ["rest_api", "restricted"])]
        assert client.iam.v1.api_key(key.sid).fetch().friendly_name == "ci"
        wider = {"allow": ["/twilio/conversations/services/*"]}
        updated = client.iam.v1.api_key(key.sid).update(friendly_name="wider", policy=wider)
        assert (updated.friendly_name, updated.policy) == ("wider", wider)
        with as_key(emulator.url, key.sid, key.secret) as ci:
            assert ci.conversations.v1.services.create(friendly_name="now allowed").sid
        assert client.iam.v1.api_key(key.sid).delete()
        assert client.iam.v1.get_api_keys.list(account_sid=ACCOUNT) == []
        with as_key(emulator.url, key.sid, key.secret) as gone:
            assert refusal(gone.conversations.v1.services.list)[:2] == (401, 20003)


def test_the_secret_is_answered_once_and_kept_as_a_digest(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with EmulatorServer(state_path=state) as first, admin(first.url) as client:
        key = restricted(client, "/twilio/conversations/services/list")
        assert client.iam.v1.api_key(key.sid).fetch().policy is not None
        journal = Path(f"{state}.journal").read_text(encoding="utf-8")
    assert key.secret not in journal
    assert hashlib.sha256(key.secret.encode()).hexdigest() in journal
    with EmulatorServer(state_path=state) as second:
        with as_key(second.url, key.sid, key.secret) as ci:
            assert len(ci.conversations.v1.services.list()) == 1
            status, code, message = refusal(ci.conversations.v1.credentials.list)
        with as_key(second.url, key.sid, key.secret + "x") as wrong:
            assert refusal(wrong.conversations.v1.services.list)[:2] == (401, 20003)
    assert (status, code) == (403, 20403)
    assert "/twilio/conversations/credentials/list" in message
    saved = state.read_text(encoding="utf-8")
    assert key.secret not in saved and key.sid in saved


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({}, "AccountSid"),
        ({"AccountSid": "AC123"}, "AccountSid"),
        ({"AccountSid": ACCOUNT, "KeyType": "main"}, "KeyType"),
        ({"AccountSid": ACCOUNT, "KeyType": "restricted"}, "Policy"),
        ({"AccountSid": ACCOUNT, "Policy": '{"allow": ["/twilio/studio/flows/read"]}'}, "Policy"),
        ({"AccountSid": ACCOUNT, "KeyType": "restricted", "Policy": "{"}, "not JSON"),
        ({"AccountSid": ACCOUNT, "KeyType": "restricted", "Policy": '{"allow": []}'}, "Policy"),
        (
            {"AccountSid": ACCOUNT, "KeyType": "restricted", "Policy": '{"allow": ["/studio/x"]}'},
            "/studio/x",
        ),
        (
            {
                "AccountSid": ACCOUNT,
                "KeyType": "restricted",
                "Policy": json.dumps({"allow": [f"/twilio/p/r{n}/read" for n in range(101)]}),
            },
            "at most 100",
        ),
        ({"AccountSid": ACCOUNT, "FriendlyName": "x" * 65}, "FriendlyName"),
    ],
)
def test_create_refusals(emulator: EmulatorServer, params: dict[str, str], fragment: str) -> None:
    answer = requests.post(
        f"{emulator.url}/iam.twilio.com/v1/Keys",
        params,
        auth=(ACCOUNT, defaults.AUTH_TOKEN),
        timeout=10,
    )
    assert (answer.status_code, answer.json()["code"]) == (400, 20001), answer.text
    assert fragment in answer.json()["message"]


def test_who_may_manage_keys(emulator: EmulatorServer) -> None:
    with admin(emulator.url) as client:
        standard = client.iam.v1.new_api_key.create(account_sid=ACCOUNT, friendly_name="std")
        reader = restricted(client, "/twilio/iam/api-keys/list", "/twilio/iam/api-keys/read")
        sub = client.api.v2010.accounts.create(friendly_name="tenant")
        for_sub = client.iam.v1.new_api_key.create(account_sid=sub.sid)
        assert client.iam.v1.api_key(for_sub.sid).fetch().sid == for_sub.sid
        with as_key(emulator.url, standard.sid, standard.secret) as std:
            # Twilio's 20003 page: a Standard key on an endpoint that needs a Main key.
            assert refusal(lambda: std.iam.v1.get_api_keys.list(account_sid=ACCOUNT))[:2] == (
                401,
                20003,
            )
            assert std.conversations.v1.services.list(), "a Standard key reaches the rest"
        with as_key(emulator.url, reader.sid, reader.secret) as ci:
            listed = ci.iam.v1.get_api_keys.list(account_sid=ACCOUNT)
            assert {k.sid for k in listed} == {standard.sid, reader.sid}
            assert ci.iam.v1.api_key(standard.sid).fetch().policy is None
            status, code, message = refusal(lambda: ci.iam.v1.api_key(standard.sid).delete())
            assert (status, code) == (403, 20403) and "/twilio/iam/api-keys/delete" in message
            assert refusal(lambda: ci.iam.v1.api_key(for_sub.sid).fetch())[:2] == (404, 20404)
    with sdk(emulator.url, sub.sid, sub.auth_token) as tenant:
        aim_iam(tenant, emulator.url)
        assert [k.sid for k in tenant.iam.v1.get_api_keys.list(account_sid=sub.sid)] == [
            for_sub.sid
        ]
        assert refusal(lambda: tenant.iam.v1.get_api_keys.list(account_sid=ACCOUNT))[:2] == (
            401,
            20003,
        )
    with as_key(emulator.url, for_sub.sid, for_sub.secret) as sub_key:
        assert [s.sid for s in sub_key.conversations.v1.services.list()] != [
            s.sid for s in client.conversations.v1.services.list()
        ], "a subaccount's key reaches the subaccount"


ENDPOINTS: list[tuple[str, str, Callable[[Client], Any]]] = [
    (
        "conversations",
        "/twilio/conversations/services/list",
        lambda c: c.conversations.v1.services.list(),
    ),
    (
        "conversations",
        "/twilio/conversations/configuration/read",
        lambda c: c.conversations.v1.configuration().fetch(),
    ),
    (
        "conversations",
        "/twilio/conversations/configuration.addresses/create",
        lambda c: c.conversations.v1.address_configurations.create(
            type="sms", address=f"+1500555{next(NUMBERS):04d}"
        ),
    ),
    (
        "conversations",
        "/twilio/conversations/roles/list",
        lambda c: c.conversations.v1.roles.list(),
    ),
    (
        "conversations",
        "/twilio/conversations/conversations/list",
        lambda c: c.conversations.v1.conversations.list(),
    ),
    (
        "messaging",
        "/twilio/messaging/services/create",
        lambda c: c.messaging.v1.services.create(friendly_name="m"),
    ),
    ("studio", "/twilio/studio/flows/list", lambda c: c.studio.v2.flows.list()),
    (
        "api",
        "/twilio/phone-numbers/active-numbers/list",
        lambda c: c.api.v2010.account.incoming_phone_numbers.list(),
    ),
    ("api", "/twilio/iam/accounts/read", lambda c: c.api.v2010.accounts(ACCOUNT).fetch()),
    ("iam", "/twilio/iam/api-keys/list", lambda c: c.iam.v1.get_api_keys.list(account_sid=ACCOUNT)),
]
"""A call on each API the emulator serves, and the permission it needs."""


@pytest.mark.parametrize(("api", "permission", "call"), ENDPOINTS, ids=[e[1] for e in ENDPOINTS])
def test_a_policy_is_enforced_on_every_api(
    emulator: EmulatorServer, api: str, permission: str, call: Callable[[Client], Any]
) -> None:
    others = [needed for _, needed, _ in ENDPOINTS if needed != permission]
    resource = permission.rsplit("/", 1)[0]
    with admin(emulator.url) as client:
        without = restricted(client, *others)
        exact = restricted(client, permission)
        wildcard = restricted(client, f"{resource}/*")
    with as_key(emulator.url, without.sid, without.secret) as refused:
        status, code, message = refusal(lambda: call(refused))
    assert (status, code) == (403, 20403)
    assert f"lacks the permission {permission}," in message and without.sid not in message
    for key in (exact, wildcard):
        with as_key(emulator.url, key.sid, key.secret) as allowed:
            assert call(allowed) is not None
    assert emulator.stats()["by_status"]["403"] == 1


def test_every_route_of_the_emulator_has_a_permission() -> None:
    """The table is the one place: a route without its row would refuse every restricted key
    with no permission to name (and `reconciler permissions` could not ask for it)."""
    served = {
        (api.subdomain, route.template, method)
        for api in registry.APIS
        for route in api.routes
        for method in route.methods
    }
    assert all(table.permission(*endpoint) for endpoint in served), sorted(
        endpoint for endpoint in served if not table.permission(*endpoint)
    )
    rows = {(row.api, row.template) for row in table.TABLE}
    assert rows == {(api, template) for api, template, _ in served}, "no row for a non-route"
