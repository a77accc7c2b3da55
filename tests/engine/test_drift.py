"""Drift made with raw SDK calls is detected and repaired with exactly one write per resource."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.engine.conftest import Engine, assert_clean, describe_plan

CONFIG: dict[str, Any] = {
    "version": 1,
    "account": {
        "configuration": {
            "default_service": "support",
            "default_inactive_timer": "PT1H",
            "default_closed_timer": "P1D",
        },
        "webhooks": {
            "target": "webhook",
            "method": "POST",
            "post_webhook_url": "https://hooks.example.com/account",
            "filters": ["onMessageAdded", "onConversationStateUpdated"],
        },
    },
    "services": {
        "support": {
            "friendly_name": "Customer Support",
            "roles": {
                "agent": {"type": "conversation", "permissions": ["sendMessage", "addParticipant"]},
                "supervisor": {"type": "service", "permissions": ["joinConversation"]},
            },
            "configuration": {
                "default_conversation_role": "agent",
                "default_chat_service_role": "service user",
                "reachability_enabled": True,
            },
            "notifications": {
                "log_enabled": True,
                "new_message": {"enabled": True, "template": "New message"},
            },
            "webhooks": {
                "method": "POST",
                "post_webhook_url": "https://hooks.example.com/support",
                "filters": ["onMessageAdded"],
            },
        },
    },
    "address_configurations": [
        {
            "type": "sms",
            "address": "+15017122661",
            "friendly_name": "Support line",
            "auto_creation": {
                "enabled": True,
                "type": "webhook",
                "conversation_service": "support",
                "webhook_url": "https://hooks.example.com/inbound",
                "webhook_method": "POST",
            },
        }
    ],
    "credentials": {"android": {"type": "fcm", "secret": "server-key"}},
    "policy": {"prune": ["roles", "address_configurations", "credentials"]},
}


def _service(engine: Engine) -> Any:
    return engine.v1.services(engine.service_sid("Customer Support"))


def _role_sid(engine: Engine, name: str) -> str:
    return str(engine.role(engine.service_sid("Customer Support"), name).sid)


def drift_role_permissions(engine: Engine) -> None:
    _service(engine).roles(_role_sid(engine, "agent")).update(permission=["sendMessage"])


def drift_role_deleted(engine: Engine) -> None:
    _service(engine).roles(_role_sid(engine, "supervisor")).delete()


def drift_role_added(engine: Engine) -> None:
    _service(engine).roles.create(
        friendly_name="intruder", type="service", permission=["joinConversation"]
    )


def drift_service_configuration(engine: Engine) -> None:
    _service(engine).configuration().update(
        default_conversation_role_sid=_role_sid(engine, "channel user"),
        reachability_enabled=False,
    )


def drift_service_notifications(engine: Engine) -> None:
    _service(engine).configuration.notifications().update(new_message_template="Changed")


def drift_service_webhooks(engine: Engine) -> None:
    _service(engine).configuration.webhooks().update(
        post_webhook_url="https://dev-tunnel.example.com/hook",
        filters=["onMessageAdded", "onMessageUpdated"],
    )


def drift_account_configuration(engine: Engine) -> None:
    engine.v1.configuration().update(default_inactive_timer="PT2H")


def drift_account_webhooks(engine: Engine) -> None:
    engine.v1.configuration.webhooks().update(method="GET", filters=[])


def drift_address_updated(engine: Engine) -> None:
    (address,) = engine.v1.address_configurations.list()
    engine.v1.address_configurations(address.sid).update(
        friendly_name="Renamed", auto_creation_webhook_url="https://evil.example.com/"
    )


def drift_address_deleted(engine: Engine) -> None:
    (address,) = engine.v1.address_configurations.list()
    engine.v1.address_configurations(address.sid).delete()


def drift_address_added(engine: Engine) -> None:
    engine.v1.address_configurations.create(type="sms", address="+15017122999")


def drift_credential_deleted(engine: Engine) -> None:
    (credential,) = engine.v1.credentials.list()
    engine.v1.credentials(credential.sid).delete()


def drift_credential_added(engine: Engine) -> None:
    engine.v1.credentials.create(type="fcm", friendly_name="stray", secret="x")


Drift = Callable[[Engine], None]
DRIFTS: dict[str, tuple[Drift, str, str]] = {
    "role permissions": (drift_role_permissions, "update", "role"),
    "role deleted": (drift_role_deleted, "create", "role"),
    "role added": (drift_role_added, "delete", "role"),
    "service configuration": (drift_service_configuration, "update", "service_configuration"),
    "service notifications": (drift_service_notifications, "update", "service_notifications"),
    "service webhooks": (drift_service_webhooks, "update", "service_webhooks"),
    "account configuration": (drift_account_configuration, "update", "account_configuration"),
    "account webhooks": (drift_account_webhooks, "update", "account_webhooks"),
    "address updated": (drift_address_updated, "update", "address_configuration"),
    "address deleted": (drift_address_deleted, "create", "address_configuration"),
    "address added": (drift_address_added, "delete", "address_configuration"),
    "credential deleted": (drift_credential_deleted, "create", "credential"),
    "credential added": (drift_credential_added, "delete", "credential"),
}


@pytest.mark.parametrize("name", list(DRIFTS))
def test_each_drift_is_repaired_with_one_write(engine: Engine, name: str) -> None:
    loaded = engine.converge(CONFIG)
    drift, action, kind = DRIFTS[name]
    drift(engine)

    plan, _ = engine.plan(loaded)
    assert [(c.action.value, c.kind) for c in plan.changes] == [(action, kind)], describe_plan(plan)
    engine.emulator.reset_stats()
    _, report = engine.apply(loaded)
    assert report.succeeded
    assert engine.count_writes() == 1, engine.emulator.stats()
    assert_clean(engine.plan(loaded)[0])


def test_all_drift_at_once_is_repaired_with_one_write_per_resource(engine: Engine) -> None:
    loaded = engine.converge(CONFIG)
    # One drift per resource (some resources have two candidate drifts: keep one of each).
    chosen = [
        "role permissions",
        "role deleted",
        "role added",
        "service configuration",
        "service notifications",
        "service webhooks",
        "account configuration",
        "account webhooks",
        "address updated",
        "address added",
        "credential deleted",
        "credential added",
    ]
    for name in chosen:
        DRIFTS[name][0](engine)

    plan, _ = engine.plan(loaded)
    assert len(plan.changes) == len(chosen), describe_plan(plan)
    engine.emulator.reset_stats()
    _, report = engine.apply(loaded)
    assert report.succeeded
    assert engine.count_writes() == len(chosen), engine.emulator.stats()
    assert_clean(engine.plan(loaded)[0])


def test_deleted_service_is_rebuilt_with_its_parts(engine: Engine) -> None:
    loaded = engine.converge(CONFIG)
    old = engine.service_sid("Customer Support")
    # The address points at the service; repoint it so Twilio lets the service go.
    (address,) = engine.v1.address_configurations.list()
    engine.v1.address_configurations(address.sid).delete()
    engine.v1.configuration().update(default_chat_service_sid=_default_sid(engine, old))
    engine.v1.services(old).delete()

    plan, _ = engine.plan(loaded)
    assert ("create", "service") in [(c.action.value, c.kind) for c in plan.changes]
    _, report = engine.apply(loaded)
    assert report.succeeded, describe_plan(plan)
    assert engine.service_sid("Customer Support") != old
    assert_clean(engine.plan(loaded)[0])


def _default_sid(engine: Engine, other_than: str) -> str:
    return next(str(s.sid) for s in engine.v1.services.list() if s.sid != other_than)


def test_credential_sharing_a_name_is_pruned_and_the_first_kept(engine: Engine) -> None:
    """Twilio lets two credentials share a friendly_name; prune must not leave the extra."""
    loaded = engine.converge(CONFIG)
    (kept,) = engine.v1.credentials.list()
    engine.v1.credentials.create(type="fcm", friendly_name="android", secret="other")

    plan, _ = engine.plan(loaded)
    assert [(c.action.value, c.kind, c.sid) for c in plan.changes] == [
        (
            "delete",
            "credential",
            next(c.sid for c in engine.v1.credentials.list() if c.sid != kept.sid),
        )
    ], describe_plan(plan)
    engine.emulator.reset_stats()
    _, report = engine.apply(loaded)
    assert report.succeeded and engine.count_writes() == 1
    assert [c.sid for c in engine.v1.credentials.list()] == [kept.sid]
    assert_clean(engine.plan(loaded)[0])
