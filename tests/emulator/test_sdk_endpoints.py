"""Every endpoint through the real twilio SDK, with raw bodies checked against the spec."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from reconciler.emulator import catalog, defaults
from reconciler.emulator.server import EmulatorServer
from tests.emulator.conftest import DATE, Raw, check_body

SID = {prefix: re.compile(rf"^{prefix}[0-9a-f]{{32}}$") for prefix in ("IS", "RL", "IG", "CR")}
PHONE = "+15017122661"


def _error(excinfo: pytest.ExceptionInfo[TwilioRestException]) -> tuple[int, int | None]:
    return excinfo.value.status, excinfo.value.code


def test_fresh_account_has_default_service_with_builtin_roles(sdk_client: Client, raw: Raw) -> None:
    v1 = sdk_client.conversations.v1
    configuration = v1.configuration().fetch()
    default_sid = configuration.default_chat_service_sid
    assert SID["IS"].match(default_sid)
    assert v1.services(default_sid).fetch().sid == default_sid
    roles = {role.friendly_name: role for role in v1.roles.list()}
    assert {name: (r.type, sorted(r.permissions)) for name, r in roles.items()} == {
        name: (kind, sorted(perms)) for name, kind, perms in catalog.BUILTIN_ROLES
    }
    service_config = v1.services(default_sid).configuration().fetch()
    assert service_config.default_chat_service_role_sid == roles["service user"].sid
    assert service_config.default_conversation_role_sid == roles["channel user"].sid
    assert service_config.default_conversation_creator_role_sid == roles["channel admin"].sid
    assert service_config.reachability_enabled is False
    notifications = v1.services(default_sid).configuration.notifications().fetch()
    assert notifications.log_enabled is False
    assert notifications.new_message["enabled"] is False
    webhooks = v1.services(default_sid).configuration.webhooks().fetch()
    assert webhooks.filters == [] and webhooks.method == "POST"

    body = raw.get("/v1/Configuration").json()
    check_body(body, "/v1/Configuration", "GET", 200)
    assert body["url"] == f"{raw.base}/v1/Configuration"
    # The docs' example and the spec's description: the default service's configuration.
    assert body["links"]["service"] == f"{raw.base}/v1/Services/{default_sid}/Configuration"


def test_services_create_fetch_list_delete(sdk_client: Client, raw: Raw) -> None:
    v1 = sdk_client.conversations.v1
    created = v1.services.create(friendly_name="Support")
    assert SID["IS"].match(created.sid)
    body = raw.get(f"/v1/Services/{created.sid}").json()
    check_body(body, "/v1/Services/{Sid}", "GET", 200)
    assert DATE.match(body["date_created"]) and DATE.match(body["date_updated"])
    assert body["url"] == f"{raw.base}/v1/Services/{created.sid}"
    assert body["links"]["roles"] == f"{raw.base}/v1/Services/{created.sid}/Roles"
    names = [service.friendly_name for service in v1.services.list()]
    assert names == ["Default Conversations Service", "Support"]  # creation order
    check_body(raw.get("/v1/Services").json(), "/v1/Services", "GET", 200)
    check_body(raw.post("/v1/Services", {"FriendlyName": "x"}).json(), "/v1/Services", "POST", 201)

    assert v1.services(created.sid).delete() is True
    with pytest.raises(TwilioRestException) as excinfo:
        v1.services(created.sid).fetch()
    assert _error(excinfo) == (404, 20404)


def test_roles_on_a_service_and_through_the_roles_shortcut(sdk_client: Client, raw: Raw) -> None:
    v1 = sdk_client.conversations.v1
    service = v1.services.create(friendly_name="Roles")
    roles = v1.services(service.sid).roles
    agent = roles.create(friendly_name="agent", type="conversation", permission=["sendMessage"])
    assert SID["RL"].match(agent.sid) and agent.chat_service_sid == service.sid
    assert agent.permissions == ["sendMessage"]
    updated = roles(agent.sid).update(permission=["sendMessage", "sendMediaMessage"])
    assert updated.permissions == ["sendMessage", "sendMediaMessage"]
    assert roles(agent.sid).fetch().permissions == ["sendMessage", "sendMediaMessage"]
    assert [r.friendly_name for r in roles.list(page_size=2)][-1] == "agent"

    path = f"/v1/Services/{service.sid}/Roles"
    check_body(raw.get(path).json(), "/v1/Services/{ChatServiceSid}/Roles", "GET", 200)
    body = raw.get(f"{path}/{agent.sid}").json()
    check_body(body, "/v1/Services/{ChatServiceSid}/Roles/{Sid}", "GET", 200)
    assert body["url"] == f"{raw.base}{path}/{agent.sid}"
    created = raw.post(
        path, {"FriendlyName": "sup", "Type": "service", "Permission": ["joinConversation"]}
    )
    assert created.status_code == 201
    check_body(created.json(), "/v1/Services/{ChatServiceSid}/Roles", "POST", 201)
    assert roles(agent.sid).delete() is True
    with pytest.raises(TwilioRestException) as excinfo:
        roles(agent.sid).fetch()
    assert _error(excinfo) == (404, 20404)

    # /v1/Roles is the default service's roles, with /v1/Roles URLs.
    default_sid = v1.configuration().fetch().default_chat_service_sid
    short = v1.roles.create(friendly_name="short", type="service", permission=["joinConversation"])
    assert short.chat_service_sid == default_sid
    assert short.url == f"{raw.base}/v1/Roles/{short.sid}"
    assert v1.services(default_sid).roles(short.sid).fetch().friendly_name == "short"
    assert v1.roles(short.sid).update(permission=["createConversation"]).permissions == [
        "createConversation"
    ]
    check_body(raw.get("/v1/Roles").json(), "/v1/Roles", "GET", 200)
    check_body(raw.get(f"/v1/Roles/{short.sid}").json(), "/v1/Roles/{Sid}", "GET", 200)
    assert v1.roles(short.sid).delete() is True


def test_role_validation(sdk_client: Client) -> None:
    roles = sdk_client.conversations.v1.roles
    cases = [
        (
            {"friendly_name": "a", "type": "conversation", "permission": ["createConversation"]},
            50104,
        ),
        ({"friendly_name": "b", "type": "service", "permission": ["sendMessage"]}, 50104),
        ({"friendly_name": "c", "type": "admin", "permission": ["sendMessage"]}, 50105),
        ({"friendly_name": "x" * 65, "type": "service", "permission": ["joinConversation"]}, 50003),
    ]
    for case, code in cases:
        with pytest.raises(TwilioRestException) as excinfo:
            roles.create(**case)
        assert _error(excinfo) == (400, code), case
    roles.create(friendly_name="dup", type="service", permission=["joinConversation"])
    with pytest.raises(TwilioRestException) as excinfo:
        roles.create(friendly_name="dup", type="service", permission=["joinConversation"])
    assert _error(excinfo) == (409, 20409)


def test_service_configuration_defaults_must_be_roles_of_that_service(
    sdk_client: Client, raw: Raw
) -> None:
    v1 = sdk_client.conversations.v1
    one = v1.services.create(friendly_name="one")
    two = v1.services.create(friendly_name="two")
    mine = v1.services(one.sid).roles.create(
        friendly_name="agent", type="conversation", permission=["sendMessage"]
    )
    theirs = v1.services(two.sid).roles.create(
        friendly_name="agent", type="conversation", permission=["sendMessage"]
    )
    boss = v1.services(one.sid).roles.create(
        friendly_name="boss", type="service", permission=["joinConversation"]
    )
    config = v1.services(one.sid).configuration()
    updated = config.update(
        default_conversation_role_sid=mine.sid,
        default_chat_service_role_sid=boss.sid,
        reachability_enabled=True,
    )
    assert updated.default_conversation_role_sid == mine.sid
    assert updated.default_chat_service_role_sid == boss.sid
    assert updated.reachability_enabled is True
    for bad, code in (
        ({"default_conversation_role_sid": theirs.sid}, 50109),  # another service's role
        ({"default_conversation_creator_role_sid": theirs.sid}, 50106),
        ({"default_chat_service_role_sid": theirs.sid}, 50100),
        ({"default_conversation_role_sid": boss.sid}, 50105),  # a service role, wrong type
        ({"default_chat_service_role_sid": mine.sid}, 50105),  # a conversation role
        ({"default_conversation_creator_role_sid": "RL123"}, 20001),  # malformed SID
    ):
        with pytest.raises(TwilioRestException) as excinfo:
            config.update(**bad)
        assert _error(excinfo) == (400, code), bad
    path = f"/v1/Services/{one.sid}/Configuration"
    spec_path = "/v1/Services/{ChatServiceSid}/Configuration"
    check_body(raw.get(path).json(), spec_path, "GET", 200)
    check_body(raw.post(path, {"ReachabilityEnabled": "false"}).json(), spec_path, "POST", 200)


def test_deleting_a_default_role_is_refused_until_repointed(sdk_client: Client) -> None:
    v1 = sdk_client.conversations.v1
    service = v1.services.create(friendly_name="defaults")
    config = v1.services(service.sid).configuration()
    default_role = config.fetch().default_conversation_role_sid
    with pytest.raises(TwilioRestException) as excinfo:
        v1.services(service.sid).roles(default_role).delete()
    assert _error(excinfo) == (409, 20409)
    other = v1.services(service.sid).roles.create(
        friendly_name="agent", type="conversation", permission=["sendMessage"]
    )
    config.update(default_conversation_role_sid=other.sid)
    assert v1.services(service.sid).roles(default_role).delete() is True


def test_default_service_cannot_be_deleted_until_repointed(sdk_client: Client) -> None:
    v1 = sdk_client.conversations.v1
    default_sid = v1.configuration().fetch().default_chat_service_sid
    with pytest.raises(TwilioRestException) as excinfo:
        v1.services(default_sid).delete()
    assert _error(excinfo) == (409, 20409)
    replacement = v1.services.create(friendly_name="new default")
    v1.configuration().update(default_chat_service_sid=replacement.sid)
    assert v1.services(default_sid).delete() is True
    assert v1.roles.list()[0].chat_service_sid == replacement.sid


def test_deleting_a_service_removes_its_settings_but_not_addresses(sdk_client: Client) -> None:
    v1 = sdk_client.conversations.v1
    service = v1.services.create(friendly_name="doomed")
    role = v1.services(service.sid).roles.list()[0]
    address = v1.address_configurations.create(
        type="sms",
        address=PHONE,
        auto_creation_enabled=True,
        auto_creation_type="default",
        auto_creation_conversation_service_sid=service.sid,
    )
    v1.services(service.sid).delete()
    for fetch in (
        v1.services(service.sid).roles(role.sid).fetch,
        v1.services(service.sid).configuration().fetch,
        v1.services(service.sid).configuration.notifications().fetch,
        v1.services(service.sid).configuration.webhooks().fetch,
    ):
        with pytest.raises(TwilioRestException) as excinfo:
            fetch()
        assert _error(excinfo) == (404, 20404)
    kept = v1.address_configurations(address.sid).fetch()
    assert kept.auto_creation["conversation_service_sid"] == service.sid


def test_notifications_dotted_parameters(sdk_client: Client, raw: Raw) -> None:
    v1 = sdk_client.conversations.v1
    sid = v1.configuration().fetch().default_chat_service_sid
    notifications = v1.services(sid).configuration.notifications()
    updated = notifications.update(
        log_enabled=True,
        new_message_enabled=True,
        new_message_template="${PARTICIPANT}: ${MESSAGE}",
        new_message_sound="ring",
        new_message_badge_count_enabled=True,
        new_message_with_media_enabled=True,
        new_message_with_media_template="${MEDIA_COUNT} files",
        added_to_conversation_enabled=True,
        added_to_conversation_template="added",
        removed_from_conversation_sound="bell",
    )
    assert updated.log_enabled is True
    assert updated.new_message == {
        "enabled": True,
        "template": "${PARTICIPANT}: ${MESSAGE}",
        "sound": "ring",
        "badge_count_enabled": True,
        "with_media": {"enabled": True, "template": "${MEDIA_COUNT} files"},
    }
    assert updated.added_to_conversation["template"] == "added"
    assert updated.removed_from_conversation["sound"] == "bell"
    raw_bad = raw.post(f"/v1/Services/{sid}/Configuration/Notifications", {"LogEnabled": "yes"})
    assert raw_bad.status_code == 400 and raw_bad.json()["code"] == 20001
    path = f"/v1/Services/{sid}/Configuration/Notifications"
    spec_path = "/v1/Services/{ChatServiceSid}/Configuration/Notifications"
    check_body(raw.get(path).json(), spec_path, "GET", 200)
    check_body(raw.post(path, {}).json(), spec_path, "POST", 200)


def test_service_webhooks(sdk_client: Client, raw: Raw) -> None:
    v1 = sdk_client.conversations.v1
    sid = v1.services.create(friendly_name="hooks").sid
    webhooks = v1.services(sid).configuration.webhooks()
    updated = webhooks.update(
        pre_webhook_url="https://hooks.example.com/pre",
        post_webhook_url="https://hooks.example.com/post",
        filters=["onMessageAdd", "onMessageAdded", "onConversationStateUpdated"],
        method="GET",
    )
    assert updated.filters == ["onMessageAdd", "onMessageAdded", "onConversationStateUpdated"]
    assert updated.method == "GET"
    assert webhooks.fetch().post_webhook_url == "https://hooks.example.com/post"
    for bad, code in (
        ({"filters": ["onUserAdded"]}, 20001),  # an account-only event
        ({"method": "PUT"}, 50055),
        ({"post_webhook_url": "nope"}, 50054),
        ({"pre_webhook_url": "https://hooks.example.com/" + "x" * 2048}, 50054),
    ):
        with pytest.raises(TwilioRestException) as excinfo:
            webhooks.update(**bad)
        assert _error(excinfo) == (400, code), bad
    path = f"/v1/Services/{sid}/Configuration/Webhooks"
    spec_path = "/v1/Services/{ChatServiceSid}/Configuration/Webhooks"
    check_body(raw.get(path).json(), spec_path, "GET", 200)
    check_body(raw.post(path, {"Method": "POST"}).json(), spec_path, "POST", 200)


def test_account_configuration_and_timers(sdk_client: Client, raw: Raw) -> None:
    configuration = sdk_client.conversations.v1.configuration()
    sender = sdk_client.messaging.v1.services.create(friendly_name="sender").sid
    updated = configuration.update(
        default_inactive_timer="PT1M",
        default_closed_timer="P1DT2H",
        default_messaging_service_sid=sender,
    )
    assert updated.default_inactive_timer == "PT1M"
    assert updated.default_closed_timer == "P1DT2H"
    assert updated.default_messaging_service_sid == sender
    assert configuration.update(default_closed_timer="PT0S").default_closed_timer == "PT0S"
    for bad, code in (
        ({"default_inactive_timer": "PT59S"}, 50375),  # below one minute
        ({"default_closed_timer": "PT9M"}, 50376),  # below ten minutes
        ({"default_closed_timer": "P1M"}, 50380),  # months are refused
        ({"default_inactive_timer": "1 hour"}, 50379),
        ({"default_inactive_timer": "P" + "9" * 5000 + "D"}, 50379),
        ({"default_messaging_service_sid": "MGxyz"}, 50341),
        ({"default_messaging_service_sid": "MG" + "a" * 32}, 50342),  # not the account's
        ({"default_chat_service_sid": "IS" + "0" * 32}, 50050),  # no such service
        ({"default_chat_service_sid": "IS123"}, 20001),  # malformed
    ):
        with pytest.raises(TwilioRestException) as excinfo:
            configuration.update(**bad)
        assert _error(excinfo) == (400, code), bad
    check_body(raw.post("/v1/Configuration", {}).json(), "/v1/Configuration", "POST", 200)


def test_account_webhooks(sdk_client: Client, raw: Raw) -> None:
    webhooks = sdk_client.conversations.v1.configuration.webhooks()
    updated = webhooks.update(
        method="POST",
        filters=["onMessageAdded", "onUserAdded"],
        pre_webhook_url="https://hooks.example.com/pre",
        post_webhook_url="https://hooks.example.com/post",
        target="webhook",
    )
    assert updated.filters == ["onMessageAdded", "onUserAdded"]
    assert webhooks.fetch().pre_webhook_url == "https://hooks.example.com/pre"
    assert webhooks.update(target="flex").target == "flex"
    for bad, code in (
        ({"target": "studio"}, 20001),
        ({"filters": ["onSomething"]}, 20001),
        ({"method": "PATCH"}, 50055),
        ({"post_webhook_url": "ftp://hooks.example.com"}, 50054),
    ):
        with pytest.raises(TwilioRestException) as excinfo:
            webhooks.update(**bad)
        assert _error(excinfo) == (400, code), bad
    check_body(
        raw.get("/v1/Configuration/Webhooks").json(), "/v1/Configuration/Webhooks", "GET", 200
    )
    check_body(
        raw.post("/v1/Configuration/Webhooks", {}).json(), "/v1/Configuration/Webhooks", "POST", 200
    )


def test_address_configurations(sdk_client: Client, raw: Raw) -> None:
    v1 = sdk_client.conversations.v1
    service_sid = v1.configuration().fetch().default_chat_service_sid
    created = v1.address_configurations.create(
        type="sms",
        address=PHONE,
        friendly_name="Support line",
        auto_creation_enabled=True,
        auto_creation_type="webhook",
        auto_creation_conversation_service_sid=service_sid,
        auto_creation_webhook_url="https://hooks.example.com/inbound",
        auto_creation_webhook_method="POST",
        auto_creation_webhook_filters=["onParticipantAdded", "onMessageAdded"],
    )
    assert SID["IG"].match(created.sid)
    assert created.auto_creation == {
        "enabled": True,
        "type": "webhook",
        "conversation_service_sid": service_sid,
        "webhook_url": "https://hooks.example.com/inbound",
        "webhook_method": "POST",
        "webhook_filters": ["onParticipantAdded", "onMessageAdded"],
    }
    whatsapp = v1.address_configurations.create(type="whatsapp", address="whatsapp:+15005550006")
    assert v1.address_configurations(created.sid).fetch().friendly_name == "Support line"
    assert v1.address_configurations(PHONE).fetch().sid == created.sid  # by address too
    encoded = raw.get("/v1/Configuration/Addresses/whatsapp%3A%2B15005550006").json()
    assert encoded["sid"] == whatsapp.sid
    updated = v1.address_configurations(created.sid).update(
        friendly_name="Renamed",
        auto_creation_type="studio",
        auto_creation_studio_flow_sid="FW" + "b" * 32,
        auto_creation_studio_retry_count=3,
    )
    assert updated.friendly_name == "Renamed"
    # The studio shape only: switching type drops the webhook settings.
    assert updated.auto_creation == {
        "enabled": True,
        "type": "studio",
        "conversation_service_sid": service_sid,
        "studio_flow_sid": "FW" + "b" * 32,
        "studio_retry_count": 3,
    }
    assert v1.address_configurations(created.sid).fetch().auto_creation == updated.auto_creation
    back = v1.address_configurations(created.sid).update(auto_creation_type="default")
    assert back.auto_creation == {
        "enabled": True,
        "type": "default",
        "conversation_service_sid": service_sid,
    }
    v1.address_configurations(created.sid).update(
        auto_creation_type="studio", auto_creation_studio_flow_sid="FW" + "b" * 32
    )
    assert [a.sid for a in v1.address_configurations.list(type="sms")] == [created.sid]
    assert len(v1.address_configurations.list()) == 2

    with pytest.raises(TwilioRestException) as excinfo:
        v1.address_configurations.create(type="sms", address=PHONE)
    assert _error(excinfo) == (409, 20409)
    enabled = {"auto_creation_enabled": True}
    for bad, code in (
        ({"type": "pigeon", "address": "+15005550001"}, 20001),
        ({"type": "sms", "address": "not a number"}, 20001),
        ({"type": "chat", "address": "x" * 257}, 20001),
        ({"type": "sms", "address": "+15005550001", "friendly_name": "x" * 257}, 50003),
        (
            {"type": "sms", "address": "+15005550002", "auto_creation_webhook_filters": ["onX"]},
            50365,
        ),
        ({"type": "sms", "address": "+15005550003", "auto_creation_studio_flow_sid": "FW1"}, 50367),
        ({"type": "sms", "address": "+15005550003", "auto_creation_webhook_method": "PUT"}, 50055),
        ({"type": "sms", "address": "+15005550003", "auto_creation_webhook_url": "x:y"}, 50054),
        (
            {
                "type": "sms",
                "address": "+15005550003",
                "auto_creation_webhook_url": "https://h.example.com/" + "x" * 2048,
            },
            50372,
        ),
        ({"type": "sms", "address": "+15005550003", "auto_creation_studio_retry_count": -1}, 50065),
        (
            {"type": "sms", "address": "+15005550003", "auto_creation_studio_retry_count": 2**31},
            50065,
        ),
        (
            {
                "type": "sms",
                "address": "+15005550003",
                "auto_creation_conversation_service_sid": "IS" + "0" * 32,
            },
            50050,
        ),
        (
            {"type": "sms", "address": "+15005550004", "auto_creation_type": "webhook", **enabled},
            50369,
        ),
        (
            {"type": "sms", "address": "+15005550004", "auto_creation_type": "studio", **enabled},
            20001,
        ),
    ):
        with pytest.raises(TwilioRestException) as excinfo:
            v1.address_configurations.create(**bad)
        assert _error(excinfo) == (400, code), bad

    spec_item = "/v1/Configuration/Addresses/{Sid}"
    check_body(raw.get(f"/v1/Configuration/Addresses/{created.sid}").json(), spec_item, "GET", 200)
    check_body(
        raw.post(f"/v1/Configuration/Addresses/{created.sid}", {}).json(), spec_item, "POST", 200
    )
    listed = raw.get("/v1/Configuration/Addresses", Type="whatsapp").json()
    check_body(listed, "/v1/Configuration/Addresses", "GET", 200)
    assert [a["sid"] for a in listed["address_configurations"]] == [whatsapp.sid]
    assert "Type=whatsapp" in listed["meta"]["first_page_url"]
    posted = raw.post("/v1/Configuration/Addresses", {"Type": "chat", "Address": "web-chat"})
    check_body(posted.json(), "/v1/Configuration/Addresses", "POST", 201)

    assert v1.address_configurations(created.sid).delete() is True
    with pytest.raises(TwilioRestException) as excinfo:
        v1.address_configurations(created.sid).fetch()
    assert _error(excinfo) == (404, 20404)


def test_credentials_never_return_secrets(sdk_client: Client, raw: Raw) -> None:
    credentials = sdk_client.conversations.v1.credentials
    apn = credentials.create(
        type="apn",
        friendly_name="ios",
        certificate="-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----",
        private_key="-----BEGIN RSA PRIVATE KEY-----\nBBB\n-----END RSA PRIVATE KEY-----",
        sandbox=True,
    )
    assert SID["CR"].match(apn.sid) and apn.sandbox == "True"
    fcm = credentials.create(type="fcm", friendly_name="android", secret="server-key")
    assert credentials(fcm.sid).update(friendly_name="droid", secret="k2").friendly_name == "droid"
    assert [c.friendly_name for c in credentials.list()] == ["ios", "droid"]
    for bad in (
        {"type": "apns", "certificate": "c", "private_key": "k"},
        {"type": "apn", "certificate": "c"},  # private key missing
        {"type": "gcm"},  # api key missing
    ):
        with pytest.raises(TwilioRestException) as excinfo:
            credentials.create(**bad)
        assert _error(excinfo) == (400, 20001), bad

    missing = raw.post("/v1/Credentials", {"FriendlyName": "no type"})
    assert missing.status_code == 400
    assert missing.json()["code"] == 20001 and "Type" in missing.json()["message"]

    texts = [
        raw.get(f"/v1/Credentials/{apn.sid}").text,
        raw.get("/v1/Credentials").text,
        raw.post(f"/v1/Credentials/{fcm.sid}", {"Secret": "k3"}).text,
    ]
    for text in texts:
        for secret in ("AAA", "BBB", "server-key", "k2", "k3", "certificate", "private_key"):
            assert secret not in text
    check_body(raw.get(f"/v1/Credentials/{apn.sid}").json(), "/v1/Credentials/{Sid}", "GET", 200)
    check_body(raw.get("/v1/Credentials").json(), "/v1/Credentials", "GET", 200)
    check_body(
        raw.post("/v1/Credentials", {"Type": "fcm", "Secret": "s"}).json(),
        "/v1/Credentials",
        "POST",
        201,
    )
    assert credentials(apn.sid).delete() is True
    with pytest.raises(TwilioRestException) as excinfo:
        credentials(apn.sid).fetch()
    assert _error(excinfo) == (404, 20404)


def test_state_file_holds_no_secret(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with EmulatorServer(state_path=state) as server, requests.Session() as session:
        session.auth = (defaults.ACCOUNT_SID, defaults.AUTH_TOKEN)
        response = session.post(
            f"{server.url}/v1/Credentials", data={"Type": "fcm", "Secret": "top-secret"}
        )
        assert response.status_code == 201
    assert "top-secret" not in state.read_text()
