"""Every kind created, updated, replaced and deleted by the engine, checked with raw SDK reads."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from twilio.base.exceptions import TwilioRestException

from tests.engine.conftest import Engine, assert_clean

SERVICE = {"friendly_name": "Support"}


def config(**sections: Any) -> dict[str, Any]:
    return {"version": 1, **sections}


def actions(plan: Any) -> list[tuple[str, str, str]]:
    return [(change.action.value, change.kind, change.key) for change in plan.changes]


def test_service_created_then_pruned(engine: Engine) -> None:
    engine.converge(config(services={"support": SERVICE}))
    sid = engine.service_sid("Support")

    loaded = engine.load(config(services={}, policy={"prune": ["services"]}))
    plan, _ = engine.plan(loaded)
    assert actions(plan) == [("delete", "service", f"Support ({sid})")]
    # Deleting a service destroys its conversations: it is guarded, never silently done.
    assert [guard.flag for guard in plan.guards] == ["--allow-destroy"]
    _, report = engine.apply(loaded)
    assert report.succeeded
    assert sid not in [service.sid for service in engine.v1.services.list()]
    assert_clean(engine.plan(loaded)[0])


def test_service_pinned_by_sid_with_new_name_is_replaced(engine: Engine) -> None:
    engine.converge(config(services={"support": SERVICE}))
    old = engine.service_sid("Support")

    loaded = engine.load(config(services={"support": {"friendly_name": "Support 2", "sid": old}}))
    plan, _ = engine.plan(loaded)
    assert actions(plan) == [("replace", "service", "support")]
    assert plan.changes[0].reasons, "a replace says why"
    _, report = engine.apply(loaded)
    assert report.succeeded
    names = {service.friendly_name: service.sid for service in engine.v1.services.list()}
    assert "Support" not in names and names["Support 2"] != old


def test_a_replaced_service_gets_its_roles_and_settings_again(engine: Engine) -> None:
    """A rename of a pinned service is a new service: everything the config says of it must be
    written there (its custom roles, changed built-in roles, settings, webhooks and the default
    roles that name them), not compared with what the old one had."""
    roles = {
        "agent": {"type": "conversation", "permissions": ["sendMessage", "leaveConversation"]},
        "service user": {"type": "service", "permissions": ["createConversation"]},
    }
    support = {
        "friendly_name": "Support",
        "roles": roles,
        "configuration": {"default_conversation_role": "agent"},
        "webhooks": {
            "method": "POST",
            "post_webhook_url": "https://hooks.example.com/support",
            "filters": ["onMessageAdded"],
        },
        "notifications": {"new_message": {"enabled": True, "template": "New: $${MESSAGE}"}},
    }
    document = config(services={"support": support}, policy={"prune": ["roles"]})
    engine.converge(document)
    old = engine.service_sid("Support")

    renamed = config(
        services={"support": {**support, "friendly_name": "Support Desk", "sid": old}},
        policy={"prune": ["roles"]},
    )
    loaded = engine.load(renamed)
    plan, _ = engine.plan(loaded)
    planned = actions(plan)
    assert ("replace", "service", "support") in planned
    assert ("create", "role", "support/agent") in planned
    assert not [a for a in planned if a[0] == "delete"], "the old service's roles go with it"
    _, report = engine.apply(loaded)
    assert report.succeeded
    new = engine.service_sid("Support Desk")
    assert new != old and old not in [s.sid for s in engine.v1.services.list()]
    agent = engine.role(new, "agent")
    assert sorted(agent.permissions) == ["leaveConversation", "sendMessage"]
    assert engine.role(new, "service user").permissions == ["createConversation"]
    settings = engine.v1.services(new).configuration().fetch()
    assert settings.default_conversation_role_sid == agent.sid
    hooks = engine.v1.services(new).configuration.webhooks().fetch()
    assert hooks.post_webhook_url == "https://hooks.example.com/support"
    notifications = engine.v1.services(new).configuration.notifications().fetch()
    assert notifications.new_message["template"] == "New: ${MESSAGE}"
    pinned_anew = config(
        services={"support": {**support, "friendly_name": "Support Desk", "sid": new}},
        policy={"prune": ["roles"]},
    )
    assert_clean(engine.plan(engine.load(pinned_anew))[0])


def test_role_created_updated_replaced_and_pruned(engine: Engine) -> None:
    roles = {"agent": {"type": "conversation", "permissions": ["sendMessage"]}}
    engine.converge(config(services={"support": {**SERVICE, "roles": roles}}))
    service = engine.service_sid("Support")
    created = engine.role(service, "agent")
    assert (created.type, created.permissions) == ("conversation", ["sendMessage"])

    roles["agent"]["permissions"] = ["sendMessage", "leaveConversation"]
    loaded = engine.load(config(services={"support": {**SERVICE, "roles": roles}}))
    plan, _ = engine.plan(loaded)
    assert actions(plan) == [("update", "role", "support/agent")]
    engine.converge(config(services={"support": {**SERVICE, "roles": roles}}))
    updated = engine.role(service, "agent")
    assert updated.sid == created.sid
    assert sorted(updated.permissions) == ["leaveConversation", "sendMessage"]

    roles["agent"] = {"type": "service", "permissions": ["joinConversation"]}
    loaded = engine.load(config(services={"support": {**SERVICE, "roles": roles}}))
    plan, _ = engine.plan(loaded)
    assert actions(plan) == [("replace", "role", "support/agent")]
    engine.converge(config(services={"support": {**SERVICE, "roles": roles}}))
    replaced = engine.role(service, "agent")
    assert replaced.sid != created.sid and replaced.type == "service"

    engine.converge(config(services={"support": {**SERVICE}}, policy={"prune": ["roles"]}))
    names = {role.friendly_name for role in engine.v1.services(service).roles.list()}
    assert names == {"channel admin", "channel user", "service admin", "service user"}


def test_role_removed_from_config_is_left_alone_without_prune(engine: Engine) -> None:
    roles = {"agent": {"type": "conversation", "permissions": ["sendMessage"]}}
    engine.converge(config(services={"support": {**SERVICE, "roles": roles}}))
    loaded = engine.load(config(services={"support": SERVICE}))
    assert_clean(engine.plan(loaded)[0])


def test_built_in_role_permissions_are_managed_by_name(engine: Engine) -> None:
    roles = {"channel user": {"type": "conversation", "permissions": ["sendMessage"]}}
    engine.converge(
        config(services={"support": {**SERVICE, "roles": roles}}, policy={"prune": ["roles"]})
    )
    service = engine.service_sid("Support")
    assert engine.role(service, "channel user").permissions == ["sendMessage"]
    assert len(engine.v1.services(service).roles.list()) == 4, "no duplicate built-in role"


def test_service_settings_updated_and_cleared(engine: Engine) -> None:
    roles = {"agent": {"type": "conversation", "permissions": ["sendMessage"]}}
    service: dict[str, Any] = {
        **SERVICE,
        "roles": roles,
        "configuration": {"default_conversation_role": "agent", "reachability_enabled": True},
        "notifications": {
            "log_enabled": True,
            "new_message": {
                "enabled": True,
                "template": "New message",
                "badge_count_enabled": True,
            },
        },
        "webhooks": {
            "method": "POST",
            "pre_webhook_url": "https://hooks.example.com/pre",
            "post_webhook_url": "https://hooks.example.com/post",
            "filters": ["onMessageAdd", "onMessageAdded"],
        },
    }
    engine.converge(config(services={"support": service}))
    sid = engine.service_sid("Support")
    agent = engine.role(sid, "agent")
    live_configuration = engine.v1.services(sid).configuration().fetch()
    assert live_configuration.default_conversation_role_sid == agent.sid
    assert live_configuration.reachability_enabled is True
    notifications = engine.v1.services(sid).configuration.notifications().fetch()
    assert notifications.log_enabled is True
    assert notifications.new_message["template"] == "New message"
    webhooks = engine.v1.services(sid).configuration.webhooks().fetch()
    assert sorted(webhooks.filters) == ["onMessageAdd", "onMessageAdded"]

    # Update some fields, clear one (null is managed: written explicitly), drop one (unmanaged).
    service["configuration"] = {"default_conversation_role": "channel user"}
    service["notifications"] = {"log_enabled": False}
    service["webhooks"] = {"pre_webhook_url": None, "filters": ["onMessageAdded"]}
    engine.converge(config(services={"support": service}))
    live_configuration = engine.v1.services(sid).configuration().fetch()
    assert live_configuration.default_conversation_role_sid == engine.role(sid, "channel user").sid
    assert live_configuration.reachability_enabled is True, "a field left out is not touched"
    webhooks = engine.v1.services(sid).configuration.webhooks().fetch()
    assert not webhooks.pre_webhook_url
    assert webhooks.post_webhook_url == "https://hooks.example.com/post"
    assert webhooks.filters == ["onMessageAdded"]
    assert engine.v1.services(sid).configuration.notifications().fetch().log_enabled is False


def test_account_settings_updated(engine: Engine) -> None:
    document = config(
        services={"support": SERVICE},
        account={
            "configuration": {
                "default_service": "support",
                "default_inactive_timer": "PT5M",
                "default_closed_timer": "PT30M",
            },
            "webhooks": {
                "target": "webhook",
                "method": "POST",
                "post_webhook_url": "https://hooks.example.com/post",
                "filters": ["onMessageAdded"],
            },
        },
    )
    engine.converge(document)
    live_configuration = engine.v1.configuration().fetch()
    assert live_configuration.default_chat_service_sid == engine.service_sid("Support")
    assert live_configuration.default_inactive_timer == "PT5M"
    webhooks = engine.v1.configuration.webhooks().fetch()
    assert webhooks.post_webhook_url == "https://hooks.example.com/post"

    document["account"]["webhooks"]["filters"] = []
    document["account"]["configuration"]["default_closed_timer"] = "P1D"
    loaded = engine.load(document)
    plan, _ = engine.plan(loaded)
    assert actions(plan) == [
        ("update", "account_configuration", "account"),
        ("update", "account_webhooks", "account"),
    ]
    engine.converge(document)
    assert engine.v1.configuration.webhooks().fetch().filters == []
    assert engine.v1.configuration().fetch().default_closed_timer == "P1D"


def test_address_configuration_created_updated_replaced_and_pruned(engine: Engine) -> None:
    address: dict[str, Any] = {
        "type": "sms",
        "address": "+15017122661",
        "friendly_name": "Support line",
        "auto_creation": {
            "enabled": True,
            "type": "webhook",
            "conversation_service": "support",
            "webhook_url": "https://hooks.example.com/inbound",
            "webhook_method": "POST",
            "webhook_filters": ["onMessageAdded"],
        },
    }
    engine.converge(config(services={"support": SERVICE}, address_configurations=[address]))
    (created,) = engine.v1.address_configurations.list()
    assert created.auto_creation["conversation_service_sid"] == engine.service_sid("Support")
    assert created.friendly_name == "Support line"

    address["friendly_name"] = "Support line (SMS)"
    address["auto_creation"]["webhook_url"] = "https://hooks.example.com/inbound2"
    loaded = engine.load(config(services={"support": SERVICE}, address_configurations=[address]))
    plan, _ = engine.plan(loaded)
    assert actions(plan) == [("update", "address_configuration", "sms:+15017122661")]
    engine.converge(config(services={"support": SERVICE}, address_configurations=[address]))
    (updated,) = engine.v1.address_configurations.list()
    assert updated.sid == created.sid
    assert updated.auto_creation["webhook_url"] == "https://hooks.example.com/inbound2"

    address["address_country"] = "CA"
    loaded = engine.load(config(services={"support": SERVICE}, address_configurations=[address]))
    plan, _ = engine.plan(loaded)
    assert actions(plan) == [("replace", "address_configuration", "sms:+15017122661")]
    engine.converge(config(services={"support": SERVICE}, address_configurations=[address]))
    (replaced,) = engine.v1.address_configurations.list()
    assert replaced.sid != created.sid and replaced.address_country == "CA"

    engine.converge(config(policy={"prune": ["address_configurations"]}))
    assert engine.v1.address_configurations.list() == []


def test_an_sms_short_code_address_validates_and_applies(engine: Engine) -> None:
    """Twilio documents AddressCountry as "only applicable to short code addresses", so an sms
    address may be a short code: validate took one and the emulator refused it at apply."""
    short_code = {"type": "sms", "address": "894546", "address_country": "US"}
    engine.converge(config(address_configurations=[short_code]))
    (created,) = engine.v1.address_configurations.list()
    assert (created.address, created.address_country) == ("894546", "US")
    with pytest.raises(TwilioRestException, match=r"neither an E\.164 phone number nor a short"):
        engine.v1.address_configurations.create(type="sms", address="501-712-2661")


def test_credential_created_updated_rotated_and_pruned(engine: Engine) -> None:
    credential: dict[str, Any] = {
        "type": "apn",
        "sandbox": True,
        "certificate": "c",
        "private_key": "k",
    }
    engine.converge(config(credentials={"ios": credential}))
    (created,) = engine.v1.credentials.list()
    # The API returns `sandbox` as a string (as Twilio's spec says).
    assert (created.friendly_name, created.type, str(created.sandbox)) == ("ios", "apn", "True")

    credential["sandbox"] = False
    loaded = engine.load(config(credentials={"ios": credential}))
    plan, _ = engine.plan(loaded)
    assert actions(plan) == [("update", "credential", "ios")]
    engine.converge(config(credentials={"ios": credential}))
    (updated,) = engine.v1.credentials.list()
    assert updated.sid == created.sid and str(updated.sandbox).lower() == "false"

    # Secrets are write-only: a plain plan never re-sends them; --rotate-secrets does.
    plan, _ = engine.plan(loaded, rotate_secrets=True)
    assert actions(plan) == [("update", "credential", "ios")]
    assert {diff.name for diff in plan.changes[0].diffs} == {"certificate", "private_key"}
    engine.emulator.reset_stats()
    _, report = engine.apply(loaded, rotate_secrets=True)
    assert report.succeeded and engine.count_writes() == 1

    # A new type needs its own secrets: the type change is a replace that sends them.
    credential = {"type": "fcm", "secret": "server-key"}
    loaded = engine.load(config(credentials={"ios": credential}))
    plan, _ = engine.plan(loaded)
    assert actions(plan) == [("replace", "credential", "ios")]
    engine.converge(config(credentials={"ios": credential}))
    (retyped,) = engine.v1.credentials.list()
    assert retyped.type == "fcm"
    (stored,) = engine.emulator.snapshot()["credentials"]
    assert stored["secret_digests"] == {"secret": hashlib.sha256(b"server-key").hexdigest()}

    engine.converge(config(policy={"prune": ["credentials"]}))
    assert engine.v1.credentials.list() == []
