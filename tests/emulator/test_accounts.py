"""Accounts and subaccounts: the 2010-04-01 Accounts API through the real twilio SDK's
`client.api.v2010.accounts`, each account's own Conversations state, and Twilio's
authentication rules (a subaccount's credentials reach only that subaccount; the parent's reach
subaccounts through the Accounts API only)."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.rest import Client

from reconciler.emulator import defaults
from reconciler.emulator.models import Account
from reconciler.emulator.persistence import StateFileError
from reconciler.emulator.server import EmulatorServer
from reconciler.live.connection import ConnectionSettings, build_client
from tests.conftest import close_client

REPO = Path(__file__).resolve().parents[2]
ACCOUNT_FIELDS = {
    "auth_token",
    "date_created",
    "date_updated",
    "friendly_name",
    "owner_account_sid",
    "sid",
    "status",
    "subresource_uris",
    "type",
    "uri",
}
LIST_FIELDS = {
    "accounts",
    "end",
    "first_page_uri",
    "next_page_uri",
    "page",
    "page_size",
    "previous_page_uri",
    "start",
    "uri",
}


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer(subaccounts=3) as running:
        yield running


@contextmanager
def sdk(
    server: EmulatorServer, username: str, password: str, sid: str | None = None
) -> Iterator[Client]:
    """The real SDK client, both its Conversations and its 2010-04-01 API aimed at `server`."""
    settings = ConnectionSettings(account_sid=sid or username, username=username, password=password)
    client = build_client(settings, server.url)
    client.api.base_url = server.url
    try:
        yield client
    finally:
        close_client(client)


@contextmanager
def parent(server: EmulatorServer) -> Iterator[Client]:
    with sdk(server, defaults.ACCOUNT_SID, defaults.AUTH_TOKEN) as client:
        yield client


def refused(call: Callable[[], object]) -> tuple[int, int]:
    """(HTTP status, Twilio code) of a refused SDK call: fetches raise TwilioRestException,
    list pages a bare TwilioException carrying the response."""
    with pytest.raises(TwilioException) as caught:
        call()
    error = caught.value
    if isinstance(error, TwilioRestException):
        return int(error.status), int(error.code or 0)
    response = error.args[1]
    return int(response.status_code), int(json.loads(response.text)["code"])


def test_the_parent_lists_itself_and_its_subaccounts_page_by_page(server: EmulatorServer) -> None:
    with parent(server) as client:
        accounts = client.api.v2010.accounts.list(page_size=2)
        first = client.api.v2010.accounts.page(page_size=2)
    assert [a.friendly_name for a in accounts] == [
        "Emulated main account",
        "tenant-001",
        "tenant-002",
        "tenant-003",
    ]
    main, *subs = accounts
    assert main.sid == main.owner_account_sid == defaults.ACCOUNT_SID
    assert all(sub.owner_account_sid == defaults.ACCOUNT_SID for sub in subs)
    assert all(sub.sid.startswith("AC") and len(sub.sid) == 34 for sub in subs)
    assert all(a.status == "active" and a.type == "Full" for a in accounts)
    assert len({sub.auth_token for sub in subs}) == 3, "each subaccount has its own token"
    assert isinstance(subs[0].date_created, datetime.datetime), "RFC 2822, as the SDK parses it"
    assert subs[0].uri == f"/2010-04-01/Accounts/{subs[0].sid}.json"
    assert subs[0].subresource_uris["calls"] == f"/2010-04-01/Accounts/{subs[0].sid}/Calls.json"
    assert first.next_page_url is not None and "PageSize=2" in first.next_page_url


def test_list_filters_and_the_raw_shape(server: EmulatorServer) -> None:
    with parent(server) as client:
        named = client.api.v2010.accounts.list(friendly_name="tenant-002")
        assert [a.friendly_name for a in named] == ["tenant-002"]
        client.api.v2010.accounts(named[0].sid).update(status="suspended")
        assert [a.friendly_name for a in client.api.v2010.accounts.list(status="suspended")] == [
            "tenant-002"
        ]
        assert len(client.api.v2010.accounts.list(status="active")) == 3
    auth = (defaults.ACCOUNT_SID, defaults.AUTH_TOKEN)
    body = requests.get(
        server.accounts_url, params={"PageSize": "5000", "Status": "active"}, auth=auth, timeout=5
    ).json()
    assert set(body) == LIST_FIELDS
    assert body["page_size"] == 1000, "Twilio's largest page"
    assert body["first_page_uri"] == (
        "/2010-04-01/Accounts.json?Status=active&PageSize=1000&Page=0"
    ), "relative, filters kept"
    assert (body["start"], body["end"], body["next_page_uri"]) == (0, 2, None)
    assert all(set(account) == ACCOUNT_FIELDS for account in body["accounts"])
    bad = requests.get(server.accounts_url, params={"Status": "gone"}, auth=auth, timeout=5)
    assert (bad.status_code, bad.json()["code"]) == (400, 20001)


def test_create_fetch_and_update(server: EmulatorServer) -> None:
    with parent(server) as client:
        default = client.api.v2010.accounts.create()
        assert default.friendly_name.startswith("SubAccount Created at ")
        acme = client.api.v2010.accounts.create(friendly_name="Acme Corp")
        fetched = client.api.v2010.accounts(acme.sid).fetch()
        assert (fetched.friendly_name, fetched.auth_token) == ("Acme Corp", acme.auth_token)
        renamed = client.api.v2010.accounts(acme.sid).update(friendly_name="Acme")
        assert renamed.friendly_name == "Acme"
        closed = client.api.v2010.accounts(acme.sid).update(status="closed")
        assert closed.status == "closed"
        reopen = client.api.v2010.accounts(acme.sid)
        assert refused(lambda: reopen.update(status="active")) == (409, 20409)
        too_long = "x" * 65
        assert refused(lambda: client.api.v2010.accounts.create(friendly_name=too_long)) == (
            400,
            20001,
        )


def test_each_account_has_its_own_conversations_state(server: EmulatorServer) -> None:
    with parent(server) as main:
        sub = main.api.v2010.accounts.list(friendly_name="tenant-001")[0]
        main_default = main.conversations.v1.configuration().fetch().default_chat_service_sid
    with sdk(server, sub.sid, sub.auth_token) as client:
        configuration = client.conversations.v1.configuration().fetch()
        assert configuration.account_sid == sub.sid
        assert configuration.default_chat_service_sid != main_default, "its own default service"
        created = client.conversations.v1.services.create(friendly_name="Tenant only")
        names = [s.friendly_name for s in client.conversations.v1.services.list()]
        assert names == ["Default Conversations Service", "Tenant only"]
    with parent(server) as main:
        assert "Tenant only" not in [s.friendly_name for s in main.conversations.v1.services.list()]
        status, _ = refused(lambda: main.conversations.v1.services(created.sid).fetch())
        assert status == 404, "the parent's credentials do not reach a subaccount's service"
    assert server.snapshot(sub.sid)["services"][1]["friendly_name"] == "Tenant only"


def test_wrong_account_credentials_are_refused(server: EmulatorServer) -> None:
    with parent(server) as main:
        one, two = main.api.v2010.accounts.list(friendly_name="tenant-001") + (
            main.api.v2010.accounts.list(friendly_name="tenant-002")
        )
    # The subaccount's SID with the parent's token: Conversations needs the account's own token.
    with sdk(server, one.sid, defaults.AUTH_TOKEN) as client:
        assert refused(lambda: client.conversations.v1.configuration().fetch()) == (401, 20003)
    with sdk(server, one.sid, two.auth_token) as client:
        assert refused(lambda: client.conversations.v1.configuration().fetch())[0] == 401
    with sdk(server, one.sid, one.auth_token) as client:
        own = client.api.v2010.accounts.list()
        assert [a.sid for a in own] == [one.sid], "a subaccount lists only itself"
        for other in (defaults.ACCOUNT_SID, two.sid, "AC" + "f" * 32):
            fetch = client.api.v2010.accounts(other).fetch
            assert refused(fetch) == (401, 20003), other
        create = client.api.v2010.accounts.create
        assert refused(lambda: create(friendly_name="grandchild")) == (403, 20403)
        close = client.api.v2010.accounts(one.sid).update
        assert refused(lambda: close(status="closed")) == (403, 20403), "its parent does that"
    with parent(server) as main:
        main.api.v2010.accounts(one.sid).update(status="suspended")
    with sdk(server, one.sid, one.auth_token) as client:
        fetch = client.conversations.v1.configuration().fetch
        assert refused(fetch) == (401, 20003), "a suspended account cannot call"


def test_a_standard_api_key_cannot_act_for_the_parent_but_a_main_key_can() -> None:
    key = (defaults.API_KEY_SID, defaults.API_KEY_SECRET)
    with (
        EmulatorServer(subaccounts=1) as standard,
        sdk(standard, *key, sid=defaults.ACCOUNT_SID) as client,
    ):
        assert client.conversations.v1.services.list(), "Conversations works with the key"
        assert refused(lambda: client.api.v2010.accounts.list()) == (403, 20403)
        own = client.api.v2010.accounts(defaults.ACCOUNT_SID).fetch()
        assert own.auth_token is None, "the key may read its account, not its token"
    with (
        EmulatorServer(subaccounts=1, api_key_type="main") as main_key,
        sdk(main_key, *key, sid=defaults.ACCOUNT_SID) as client,
    ):
        accounts = client.api.v2010.accounts.list()
        assert [a.friendly_name for a in accounts][1:] == ["tenant-001"]
        assert accounts[1].auth_token


def test_subaccounts_and_their_state_survive_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with EmulatorServer(state_path=state, subaccounts=2) as first:
        sub = first.subaccounts()[0]
        with sdk(first, sub["sid"], sub["auth_token"]) as client:
            client.conversations.v1.services.create(friendly_name="kept")
    saved = json.loads(state.read_text())
    assert saved["version"] == 2 and len(saved["accounts"]) == 3
    assert defaults.AUTH_TOKEN not in state.read_text(), "the main token comes from the options"
    with EmulatorServer(state_path=state, subaccounts=2) as second:
        assert [s["sid"] for s in second.subaccounts()] == [
            s["sid"] for s in saved["accounts"][1:]
        ], "--subaccounts 2 again adds none"
        with sdk(second, sub["sid"], sub["auth_token"]) as client:
            names = [s.friendly_name for s in client.conversations.v1.services.list()]
            assert names == ["Default Conversations Service", "kept"]


def test_a_state_file_from_before_subaccounts_still_loads(tmp_path: Path) -> None:
    state = tmp_path / "old.json"
    old = Account.fresh(defaults.ACCOUNT_SID)
    old.create_service({"FriendlyName": ["from version 1"]})
    state.write_text(json.dumps(old.to_dict()))
    with EmulatorServer(state_path=state, subaccounts=1) as server, parent(server) as client:
        names = [s.friendly_name for s in client.conversations.v1.services.list()]
        assert names == ["Default Conversations Service", "from version 1"]
        assert [a.friendly_name for a in client.api.v2010.accounts.list()][1:] == ["tenant-001"]
    assert json.loads(state.read_text())["version"] == 2
    state.write_text(json.dumps({"version": 9, "account_sid": defaults.ACCOUNT_SID}))
    with pytest.raises(StateFileError, match="unsupported emulator state version 9"):
        EmulatorServer(state_path=state)


def test_serve_lists_subaccounts_without_their_tokens() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "reconciler", "emulator", "serve", "--port=0", "--subaccounts=2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        assert process.stdout is not None
        lines: list[str] = []
        while not lines or lines[-1].strip() not in ("Stop with Ctrl-C.", ""):
            lines.append(process.stdout.readline())
        url = lines[0].split("listening on ", 1)[1].strip()
        auth = (defaults.ACCOUNT_SID, defaults.AUTH_TOKEN)
        accounts = requests.get(f"{url}/2010-04-01/Accounts.json", auth=auth, timeout=5).json()
    finally:
        process.terminate()
        process.communicate(timeout=10)
    text = "".join(lines)
    subs = accounts["accounts"][1:]
    assert "Subaccounts (2;" in text
    for sub in subs:
        assert f"{sub['sid']}  {sub['friendly_name']} (active)" in text
        assert sub["auth_token"] not in text
