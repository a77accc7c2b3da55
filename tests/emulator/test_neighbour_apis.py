"""Messaging Services, Studio Flows and IncomingPhoneNumbers through the real twilio SDK, on
one emulator URL, through the client the engine builds (`build_client` with an endpoint).

Answers are checked against Twilio's own OpenAPI subsets (vendored in spec/), every property
of the schema present; refusals carry Twilio's codes; each account sees its own records; the
records survive a restart (snapshot and journal).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from reconciler.emulator import defaults
from reconciler.emulator.server import EmulatorServer
from reconciler.live.connection import ConnectionSettings, build_client
from tests.conftest import close_client
from tests.emulator.conftest import SPEC_DIR, _nullable

MESSAGING = "twilio_messaging_v1.openapi.subset.json"
STUDIO = "twilio_studio_v2.openapi.subset.json"
API_2010 = "twilio_api_v2010.openapi.subset.json"
NUMBERS = "/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json"
NUMBER = "/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/{Sid}.json"
DEFINITION = {"description": "A flow", "initial_state": "Trigger", "states": []}


@cache
def _spec(name: str) -> dict[str, Any]:
    return json.loads((SPEC_DIR / name).read_text(encoding="utf-8"))


def check(spec: str, body: Any, path: str, method: str, status: int) -> None:
    """Valid against the description's response schema, with every property it declares."""
    document = _spec(spec)
    schema = document["paths"][path][method]["responses"][str(status)]["content"][
        "application/json"
    ]["schema"]
    full = {**_nullable(copy.deepcopy(schema)), "components": _nullable(document["components"])}
    jsonschema.Draft7Validator(full).validate(body)
    if "$ref" in schema:
        declared = document["components"]["schemas"][schema["$ref"].split("/")[-1]]
        assert set(body) == set(declared["properties"]), sorted(body)


@contextmanager
def sdk(
    url: str, account_sid: str = defaults.ACCOUNT_SID, token: str = defaults.AUTH_TOKEN
) -> Iterator[Client]:
    """The client every command builds, with an endpoint (`build_client`)."""
    settings = ConnectionSettings(
        account_sid=account_sid, username=account_sid, password=token, endpoint=url
    )
    client = build_client(settings, url)
    try:
        yield client
    finally:
        close_client(client)


@pytest.fixture
def client(emulator: EmulatorServer) -> Iterator[Client]:
    with sdk(emulator.url) as client:
        yield client


def _raw(client: Client, url: str) -> Any:
    """The JSON of a GET through the same client (the SDK's objects hide unknown fields)."""
    response = client.request("GET", url)
    assert response.status_code == 200, response.text
    return json.loads(response.text)


def test_every_product_on_one_url(client: Client, emulator: EmulatorServer) -> None:
    service = client.messaging.v1.services.create(friendly_name="Notifications")
    flow = client.studio.v2.flows.create(
        friendly_name="Intake", status="published", definition=DEFINITION
    )
    number = client.api.v2010.account.incoming_phone_numbers.create(phone_number="+15005550006")
    assert [s.sid for s in client.messaging.v1.services.list()] == [service.sid]
    assert [f.sid for f in client.studio.v2.flows.list()] == [flow.sid]
    numbers = client.api.v2010.account.incoming_phone_numbers.list(phone_number="+15005550006")
    assert [n.sid for n in numbers] == [number.sid]
    conversations = client.conversations.v1.services.list()
    assert len(conversations) == 1 and conversations[0].sid.startswith("IS")
    assert service.url == f"{emulator.url}/messaging.twilio.com/v1/Services/{service.sid}"
    routes = emulator.stats()["by_route"]
    assert routes["GET /messaging.twilio.com/v1/Services"] == 1
    assert routes["GET /v1/Services"] == 1, "Conversations', told apart in the counters too"
    assert flow.url == f"{emulator.url}/studio.twilio.com/v2/Flows/{flow.sid}"


def test_messaging_services_in_twilios_shape(client: Client, emulator: EmulatorServer) -> None:
    created = client.messaging.v1.services.create(
        friendly_name="Alerts", inbound_request_url="https://example.com/in", sticky_sender=False
    )
    base = f"{emulator.url}/messaging.twilio.com/v1/Services"
    body = _raw(client, f"{base}/{created.sid}")
    check(MESSAGING, body, "/v1/Services/{Sid}", "get", 200)
    assert body["sticky_sender"] is False and body["inbound_method"] == "POST"
    assert body["links"]["phone_numbers"] == f"{base}/{created.sid}/PhoneNumbers"
    listing = _raw(client, base)
    check(MESSAGING, listing, "/v1/Services", "get", 200)
    assert listing["meta"]["key"] == "services" and listing["meta"]["page_size"] == 50
    updated = client.messaging.v1.services(created.sid).update(friendly_name="Renamed")
    assert updated.friendly_name == "Renamed"
    client.messaging.v1.services(created.sid).delete()
    with pytest.raises(TwilioRestException) as refused:
        client.messaging.v1.services(created.sid).fetch()
    assert (refused.value.status, refused.value.code) == (404, 20404)


def test_paging_follows_next_page_urls_back_to_the_same_api(client: Client) -> None:
    made = [client.messaging.v1.services.create(friendly_name=f"s{i}").sid for i in range(5)]
    assert [s.sid for s in client.messaging.v1.services.stream(page_size=2)] == made
    flows = [
        client.studio.v2.flows.create(friendly_name=f"f{i}", status="draft", definition={}).sid
        for i in range(3)
    ]
    assert [f.sid for f in client.studio.v2.flows.stream(page_size=2)] == flows
    numbers = client.api.v2010.account.incoming_phone_numbers
    bought = [numbers.create(area_code="415").phone_number for _ in range(3)]
    assert [n.phone_number for n in numbers.stream(page_size=2)] == bought


def test_studio_flows_in_twilios_shape(client: Client, emulator: EmulatorServer) -> None:
    flow = client.studio.v2.flows.create(
        friendly_name="Intake", status="draft", definition=DEFINITION, commit_message="first"
    )
    assert (flow.status, flow.revision, flow.definition) == ("draft", 1, DEFINITION)
    base = f"{emulator.url}/studio.twilio.com/v2/Flows"
    body = _raw(client, f"{base}/{flow.sid}")
    check(STUDIO, body, "/v2/Flows/{Sid}", "get", 200)
    listing = _raw(client, base)
    check(STUDIO, listing, "/v2/Flows", "get", 200)
    assert listing["flows"][0]["definition"] is None, "lists leave the definition out"
    published = client.studio.v2.flows(flow.sid).update(status="published")
    assert (published.status, published.revision, published.definition) == (
        "published",
        2,
        DEFINITION,
    )
    client.studio.v2.flows(flow.sid).delete()
    assert client.studio.v2.flows.list() == []


@pytest.mark.parametrize(
    "form",
    [
        {"Status": "draft", "Definition": "{}"},
        {"FriendlyName": "x", "Status": "live", "Definition": "{}"},
        {"FriendlyName": "x", "Status": "draft", "Definition": "not json"},
        {"FriendlyName": "x", "Status": "draft", "Definition": "[]"},
        {"FriendlyName": "x", "Status": "draft"},
    ],
)
def test_studio_refuses_what_the_description_requires(
    emulator: EmulatorServer, form: dict[str, str]
) -> None:
    answer = requests.post(
        f"{emulator.url}/studio.twilio.com/v2/Flows",
        form,
        auth=(defaults.ACCOUNT_SID, defaults.AUTH_TOKEN),
        timeout=10,
    )
    assert (answer.status_code, answer.json()["code"]) == (400, 20001)


def test_incoming_phone_numbers_in_twilios_shape(client: Client, emulator: EmulatorServer) -> None:
    numbers = client.api.v2010.account.incoming_phone_numbers
    first = numbers.create(phone_number="+14155550100", sms_url="https://example.com/sms")
    numbers.create(phone_number="+442071838750")
    base = f"{emulator.url}/2010-04-01/Accounts/{defaults.ACCOUNT_SID}/IncomingPhoneNumbers"
    body = _raw(client, f"{base}/{first.sid}.json")
    check(API_2010, body, NUMBER, "get", 200)
    assert (body["friendly_name"], body["sms_url"]) == ("(415) 555-0100", "https://example.com/sms")
    listing = _raw(client, f"{base}.json?PhoneNumber=%2B1415")
    check(API_2010, listing, NUMBERS, "get", 200)
    assert [n["sid"] for n in listing["incoming_phone_numbers"]] == [first.sid]
    assert listing["uri"].startswith(f"/2010-04-01/Accounts/{defaults.ACCOUNT_SID}/")
    wildcard = numbers.list(phone_number="+44207183****")
    assert [n.phone_number for n in wildcard] == ["+442071838750"]
    assert numbers.list(phone_number="+15005550006") == []
    numbers(first.sid).delete()
    with pytest.raises(TwilioRestException) as refused:
        numbers(first.sid).fetch()
    assert (refused.value.status, refused.value.code) == (404, 20404)


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({}, 400, 20001),
        ({"phone_number": "4155550100"}, 400, 20001),
        ({"area_code": "12"}, 400, 20001),
        ({"phone_number": "+15005550006", "sms_method": "PUT"}, 400, 20001),
        ({"phone_number": "+15005550006", "trunk_sid": "TK1"}, 400, 20001),
    ],
)
def test_phone_number_refusals(
    client: Client, params: dict[str, Any], status: int, code: int
) -> None:
    with pytest.raises(TwilioRestException) as refused:
        client.api.v2010.account.incoming_phone_numbers.create(**params)
    assert (refused.value.status, refused.value.code) == (status, code)


def test_a_number_has_one_owner_and_accounts_see_their_own(
    client: Client, emulator: EmulatorServer
) -> None:
    sub = client.api.v2010.accounts.create(friendly_name="tenant")
    with sdk(emulator.url, sub.sid, sub.auth_token) as tenant:
        bought = tenant.api.v2010.account.incoming_phone_numbers.create(phone_number="+15005550006")
        tenant.messaging.v1.services.create(friendly_name="tenant's")
        tenant.studio.v2.flows.create(friendly_name="f", status="draft", definition={})
        assert client.messaging.v1.services.list() == []
        assert client.studio.v2.flows.list() == []
        with pytest.raises(TwilioRestException) as taken:
            client.api.v2010.account.incoming_phone_numbers.create(phone_number="+15005550006")
        assert (taken.value.status, taken.value.code) == (409, 20409)
        # The parent reaches its subaccount's numbers through the 2010-04-01 API ...
        seen = client.api.v2010.accounts(sub.sid).incoming_phone_numbers.list()
        assert [n.sid for n in seen] == [bought.sid]
        # ... and the subaccount cannot reach the parent's.
        refused = requests.get(
            f"{emulator.url}/2010-04-01/Accounts/{defaults.ACCOUNT_SID}/IncomingPhoneNumbers.json",
            auth=(sub.sid, sub.auth_token),
            timeout=10,
        )
        assert (refused.status_code, refused.json()["code"]) == (401, 20003)


def test_the_host_in_the_path_decides_and_conversations_stay_the_default(
    emulator: EmulatorServer,
) -> None:
    auth = (defaults.ACCOUNT_SID, defaults.AUTH_TOKEN)
    url = emulator.url
    requests.post(f"{url}/messaging.twilio.com/v1/Services", {"FriendlyName": "m"}, auth=auth)

    def keys(path: str, **headers: str) -> list[str]:
        answer = requests.get(url + path, auth=auth, headers=headers, timeout=10)
        assert answer.status_code == 200, answer.text
        return [item["sid"][:2] for item in answer.json()["services"]]

    assert keys("/v1/Services") == ["IS"]
    assert keys("/conversations.twilio.com/v1/Services") == ["IS"]
    assert keys("/messaging.twilio.com/v1/Services") == ["MG"]
    assert keys("/v1/Services", Host="messaging.localhost") == ["MG"]
    missing = requests.get(f"{url}/messaging.twilio.com/v1/Configuration", auth=auth, timeout=10)
    assert (missing.status_code, missing.json()["code"]) == (404, 20404)
    unknown = requests.get(f"{url}/chat.twilio.com/v2/Services", auth=auth, timeout=10)
    assert unknown.status_code == 404


def test_the_records_survive_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with EmulatorServer(state_path=state) as first:
        with sdk(first.url) as client:
            service = client.messaging.v1.services.create(friendly_name="kept").sid
            gone = client.messaging.v1.services.create(friendly_name="gone").sid
            client.messaging.v1.services(gone).delete()
            flow = client.studio.v2.flows.create(
                friendly_name="f", status="draft", definition={}
            ).sid
            number = client.api.v2010.account.incoming_phone_numbers.create(area_code="212").sid
        saved = first.snapshot_all()
    with EmulatorServer(state_path=state) as second:
        assert second.snapshot_all() == saved
        with sdk(second.url) as client:
            assert [s.sid for s in client.messaging.v1.services.list()] == [service]
            assert client.studio.v2.flows(flow).fetch().sid == flow
            numbers = client.api.v2010.account.incoming_phone_numbers.list()
            assert [n.sid for n in numbers] == [number]
            assert client.messaging.v1.services.create(friendly_name="after").sid
    account = json.loads(state.read_text())["accounts"][0]
    assert [r["friendly_name"] for r in account["messaging"]["records"]] == ["kept", "after"]
