"""Conversations in the emulator, through the real twilio SDK: the calls the Node wrapper in
the reference material makes (fastify-x-twilio-conversations: create with a friendly name and
JSON attributes, get, update, list with a limit, delete), the service-scoped resource, Twilio's
shape (checked against the vendored spec), the per-service write limit, the cascade of a
service's deletion, and persistence."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from reconciler.emulator import defaults
from reconciler.emulator.persistence import save_state
from reconciler.emulator.server import EmulatorServer
from tests.conftest import client_for
from tests.emulator.conftest import Raw, check_body


def test_the_node_wrappers_calls(sdk_client: Client, raw: Raw) -> None:
    """create(friendlyName, attributes) -> conversations.create({friendlyName, attributes:
    JSON.stringify(attributes)}); get; update(sid, updates); list({limit}); delete."""
    conversations = sdk_client.conversations.v1.conversations
    created = conversations.create(
        friendly_name="Support Chat #4321", attributes=json.dumps({"userId": "user-456"})
    )
    assert created.sid.startswith("CH") and created.state == "active"
    assert json.loads(created.attributes) == {"userId": "user-456"}
    fetched = conversations(created.sid).fetch()
    assert fetched.friendly_name == "Support Chat #4321"
    updated = conversations(created.sid).update(friendly_name="Support - user-456")
    assert updated.friendly_name == "Support - user-456"
    assert [c.sid for c in conversations.list(limit=50)] == [created.sid]
    body = raw.get(f"/v1/Conversations/{created.sid}").json()
    check_body(body, "/v1/Conversations/{Sid}", "GET", 200)
    assert (
        body["chat_service_sid"] == raw.get("/v1/Configuration").json()["default_chat_service_sid"]
    )
    assert conversations(created.sid).delete() is True
    assert conversations.list(limit=50) == []


def test_service_conversations_in_twilios_shape(sdk_client: Client, raw: Raw) -> None:
    service = sdk_client.conversations.v1.services.create(friendly_name="Support")
    scoped = sdk_client.conversations.v1.services(service.sid).conversations
    created = scoped.create(
        friendly_name="Ticket 1",
        unique_name="ticket-1",
        attributes='{"topic": "feedback"}',
        timers_inactive="PT1H",
        timers_closed="P1D",
    )
    path = f"/v1/Services/{service.sid}/Conversations"
    answer = raw.post(path, {"FriendlyName": "Ticket 2"})
    assert answer.status_code == 201
    check_body(answer.json(), "/v1/Services/{ChatServiceSid}/Conversations", "POST", 201)
    body = raw.get(f"{path}/ticket-1").json()
    check_body(body, "/v1/Services/{ChatServiceSid}/Conversations/{Sid}", "GET", 200)
    assert body["sid"] == created.sid and set(body["timers"]) == {"date_inactive", "date_closed"}
    assert body["url"] == f"{raw.base}{path}/{created.sid}"
    listing = raw.get(path).json()
    check_body(listing, "/v1/Services/{ChatServiceSid}/Conversations", "GET", 200)
    assert [c["friendly_name"] for c in listing["conversations"]] == ["Ticket 1", "Ticket 2"]
    assert sdk_client.conversations.v1.conversations.list() == [], "the default service's"
    scoped("ticket-1").delete()
    assert [c.friendly_name for c in scoped.list()] == ["Ticket 2"]


def test_a_count_is_one_page(raw: Raw) -> None:
    """No count field (Twilio has none): a page of N says whether more than N exist."""
    for index in range(3):
        raw.post("/v1/Conversations", {"FriendlyName": f"c{index}"})
    exact = raw.get("/v1/Conversations", PageSize=5).json()
    assert (len(exact["conversations"]), exact["meta"]["next_page_url"]) == (3, None)
    bounded = raw.get("/v1/Conversations", PageSize=2).json()
    assert len(bounded["conversations"]) == 2 and bounded["meta"]["next_page_url"]
    assert "count" not in bounded["meta"] and set(bounded) == {"conversations", "meta"}
    assert raw.get("/v1/Conversations", PageSize=500).json()["meta"]["page_size"] == 100


def test_filters(raw: Raw) -> None:
    first = raw.post("/v1/Conversations", {"FriendlyName": "old", "State": "closed"}).json()
    second = raw.post("/v1/Conversations", {"FriendlyName": "new"}).json()
    closed = raw.get("/v1/Conversations", State="closed").json()["conversations"]
    assert [c["sid"] for c in closed] == [first["sid"]]
    today = second["date_created"][:10]
    dated = raw.get("/v1/Conversations", StartDate=today, EndDate=today).json()
    assert [c["sid"] for c in dated["conversations"]] == [second["sid"], first["sid"]]
    paged = raw.get("/v1/Conversations", StartDate=today, PageSize=1).json()
    following = raw.get(paged["meta"]["next_page_url"]).json()
    assert [c["sid"] for c in following["conversations"]] == [first["sid"]]
    assert (
        raw.get("/v1/Conversations", StartDate="2026-01-01", EndDate="2000-01-01").json()[
            "conversations"
        ]
        == []
    )
    assert raw.get("/v1/Conversations", State="gone").json()["code"] == 20001


@pytest.mark.parametrize(
    ("form", "status", "code"),
    [
        ({"FriendlyName": "x" * 257}, 400, 50003),
        ({"Attributes": "{"}, 400, 50304),
        ({"MessagingServiceSid": "MG1"}, 400, 50341),
        ({"MessagingServiceSid": "MG" + "0" * 32}, 400, 50342),
        ({"UniqueName": "CH" + "a" * 32}, 400, 50390),
        ({"Timers.Inactive": "PT30S"}, 400, 50375),
        ({"Timers.Closed": "ten minutes"}, 400, 50380),
        ({"State": "open"}, 400, 20001),
        ({"DateCreated": "yesterday"}, 400, 20001),
    ],
)
def test_refusals(raw: Raw, form: dict[str, str], status: int, code: int) -> None:
    answer = raw.post("/v1/Conversations", form)
    assert (answer.status_code, answer.json()["code"]) == (status, code), answer.text
    assert raw.get("/v1/Conversations").json()["conversations"] == [], "nothing half-made"


def test_a_conversation_names_a_messaging_service_of_its_account(sdk_client: Client) -> None:
    service = sdk_client.messaging.v1.services.create(friendly_name="SMS")
    conversation = sdk_client.conversations.v1.conversations.create(
        messaging_service_sid=service.sid
    )
    assert conversation.messaging_service_sid == service.sid
    sdk_client.conversations.v1.conversations.create(unique_name="once")
    with pytest.raises(TwilioRestException) as duplicate:
        sdk_client.conversations.v1.conversations.create(unique_name="once")
    assert (duplicate.value.status, duplicate.value.code) == (409, 50353)


def test_deleting_a_service_deletes_its_conversations(
    sdk_client: Client, emulator: EmulatorServer
) -> None:
    service = sdk_client.conversations.v1.services.create(friendly_name="Doomed")
    for index in range(3):
        sdk_client.conversations.v1.services(service.sid).conversations.create(
            friendly_name=f"c{index}"
        )
    assert len(emulator.snapshot()["conversations"][service.sid]) == 3
    sdk_client.conversations.v1.services(service.sid).delete()
    assert service.sid not in emulator.snapshot()["conversations"]
    again = sdk_client.conversations.v1.services.create(friendly_name="Next")
    assert sdk_client.conversations.v1.services(again.sid).conversations.list() == []


def _write(raw: Raw, path: str, form: dict[str, str] | None = None) -> Any:
    answer = raw.post(path, form or {})
    return answer.status_code, answer.json().get("code"), answer.headers.get("Retry-After")


def test_writes_per_second_per_service_and_per_conversation(
    emulator: EmulatorServer, raw: Raw
) -> None:
    """Creates and deletes share the service's window with role writes; updates count against
    the conversation (Conversations' limits page)."""
    emulator.configure_aps_limit(3)
    try:
        role = {"FriendlyName": "r", "Type": "conversation", "Permission": "sendMessage"}
        assert raw.post("/v1/Roles", role).status_code == 201
        a = raw.post("/v1/Conversations", {"UniqueName": "a"}).json()["sid"]
        b = raw.post("/v1/Conversations", {"UniqueName": "b"}).json()["sid"]
        status, code, retry = _write(raw, "/v1/Conversations")
        assert (status, code) == (429, 50063) and retry is not None
        for _ in range(3):
            assert raw.post(f"/v1/Conversations/{a}", {"FriendlyName": "x"}).status_code == 200
        assert _write(raw, "/v1/Conversations/a", {"FriendlyName": "y"})[:2] == (429, 50063)
        assert raw.post(f"/v1/Conversations/{b}", {"FriendlyName": "x"}).status_code == 200
        other = raw.post("/v1/Services", {"FriendlyName": "other"}).json()["sid"]
        assert raw.post(f"/v1/Services/{other}/Conversations").status_code == 201
        assert raw.get("/v1/Conversations").status_code == 200, "reads are not limited"
    finally:
        emulator.configure_aps_limit(30)


def test_conversations_survive_a_restart_and_old_state_files_load(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with EmulatorServer(state_path=state) as first, client_for(first) as client:
        kept = client.conversations.v1.conversations.create(friendly_name="kept").sid
        gone = client.conversations.v1.conversations.create(friendly_name="gone").sid
        client.conversations.v1.conversations(gone).delete()
        saved = first.snapshot_all()
    with EmulatorServer(state_path=state) as second, client_for(second) as client:
        assert second.snapshot_all() == saved
        assert [c.sid for c in client.conversations.v1.conversations.list()] == [kept]
        old = second.snapshot_all()
    # A state file written before conversations and the neighbouring APIs existed.
    for account in old["accounts"]:
        del account["conversations"]["conversations"]
        for key in ("messaging", "studio", "incoming_phone_numbers"):
            del account[key]
    older = tmp_path / "older.json"
    save_state(older, old)
    with EmulatorServer(state_path=older) as third, client_for(third) as client:
        assert client.conversations.v1.conversations.list() == []
        assert client.messaging.v1.services.list() == []
        assert third.snapshot_all()["account_sid"] == defaults.ACCOUNT_SID
