"""Property tests: random desired states over random live drift; apply then plan is always clean.

Each example runs against its own fresh emulator (started inside the test, so hypothesis never
shares state between examples). Role names encode their type, services are never renamed and
a config that prunes roles manages all three default roles of every service: the generated changes
are exactly those that apply without --allow-destroy or --force, so any guard would be a bug.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from twilio.base.exceptions import TwilioRestException

from reconciler.apply import Executor
from reconciler.config.rules import (
    CONVERSATION_PERMISSIONS,
    SERVICE_PERMISSIONS,
    SERVICE_WEBHOOK_FILTERS,
)
from reconciler.emulator.server import EmulatorServer
from reconciler.plan.policy import ALLOW_DESTROY, FORCE
from tests.engine.conftest import Engine, assert_clean, describe_plan, report_details

SETTINGS = settings(
    max_examples=int(os.environ.get("ENGINE_MAX_EXAMPLES", "15")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SERVICE_KEYS = ("alpha", "beta", "gamma")
CONVERSATION_ROLES = ("c-agent", "c-guest")
SERVICE_ROLES = ("s-admin", "s-bot")
URLS = ("https://hooks.example.com/a", "https://hooks.example.com/b", None)
TEMPLATES = ("New message", "Hello there", None)
NUMBERS = tuple(f"+1501712266{digit}" for digit in range(4))


@contextmanager
def fresh_engine(directory: Path) -> Iterator[Engine]:
    with EmulatorServer(host="127.0.0.1", port=0) as server:
        engine = Engine(server, directory)
        try:
            yield engine
        finally:
            engine.close()


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A field that may be left out (unmanaged): None here means 'omit'."""
    return st.one_of(st.none(), strategy)


def subset(values: tuple[str, ...], min_size: int = 0) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(values), min_size=min_size, max_size=4, unique=True)


def put(target: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        target[key] = value


@st.composite
def services(draw: st.DrawFn, prune_roles: bool) -> dict[str, Any]:
    keys = draw(st.lists(st.sampled_from(SERVICE_KEYS), max_size=3, unique=True))
    result: dict[str, Any] = {}
    for key in keys:
        roles: dict[str, Any] = {}
        for name in draw(subset(CONVERSATION_ROLES)):
            roles[name] = {
                "type": "conversation",
                "permissions": draw(subset(CONVERSATION_PERMISSIONS, 1)),
            }
        for name in draw(subset(SERVICE_ROLES)):
            roles[name] = {"type": "service", "permissions": draw(subset(SERVICE_PERMISSIONS, 1))}
        service: dict[str, Any] = {"roles": roles}
        conversation_choices = (*[n for n in roles if n.startswith("c-")], "channel user")
        service_choices = (*[n for n in roles if n.startswith("s-")], "service user")
        # Pruning a role that the live configuration names as a default needs the config to
        # repoint that default in the same plan (otherwise plan refuses, by design).
        if prune_roles or draw(st.booleans()):
            configuration = {
                "default_conversation_role": draw(st.sampled_from(conversation_choices)),
                "default_conversation_creator_role": draw(
                    st.sampled_from((*conversation_choices, "channel admin"))
                ),
                "default_chat_service_role": draw(st.sampled_from(service_choices)),
            }
            put(configuration, "reachability_enabled", draw(maybe(st.booleans())))
            service["configuration"] = configuration
        if draw(st.booleans()):
            notifications: dict[str, Any] = {}
            put(notifications, "log_enabled", draw(maybe(st.booleans())))
            if draw(st.booleans()):
                new_message: dict[str, Any] = {}
                put(new_message, "enabled", draw(maybe(st.booleans())))
                put(new_message, "template", draw(st.sampled_from(TEMPLATES)))
                put(new_message, "badge_count_enabled", draw(maybe(st.booleans())))
                notifications["new_message"] = new_message
            service["notifications"] = notifications
        if draw(st.booleans()):
            webhooks: dict[str, Any] = {}
            put(webhooks, "method", draw(maybe(st.sampled_from(("GET", "POST")))))
            url = draw(st.sampled_from(URLS))
            if url is not None or draw(st.booleans()):
                webhooks["post_webhook_url"] = url  # None: managed and cleared
            put(webhooks, "filters", draw(maybe(subset(SERVICE_WEBHOOK_FILTERS))))
            service["webhooks"] = webhooks
        result[key] = service
    return result


@st.composite
def desired_states(draw: st.DrawFn) -> dict[str, Any]:
    prune = draw(subset(("roles", "address_configurations", "credentials")))
    document: dict[str, Any] = {"version": 1, "services": draw(services("roles" in prune))}
    keys = list(document["services"])
    account: dict[str, Any] = {}
    if keys and draw(st.booleans()):
        configuration: dict[str, Any] = {"default_service": draw(st.sampled_from(keys))}
        put(configuration, "default_inactive_timer", draw(maybe(st.sampled_from(("PT1M", "PT1H")))))
        put(configuration, "default_closed_timer", draw(maybe(st.sampled_from(("PT10M", "P1D")))))
        account["configuration"] = configuration
    if draw(st.booleans()):
        account["webhooks"] = {
            "method": draw(st.sampled_from(("GET", "POST"))),
            "post_webhook_url": draw(st.sampled_from(URLS)),
            "filters": draw(subset(("onMessageAdded", "onConversationAdded", "onUserAdded"))),
        }
    if account:
        document["account"] = account
    addresses = []
    for number in draw(st.lists(st.sampled_from(NUMBERS), max_size=2, unique=True)):
        address: dict[str, Any] = {"type": "sms", "address": number}
        put(address, "friendly_name", draw(maybe(st.sampled_from(("Line", "Support")))))
        if keys and draw(st.booleans()):
            auto: dict[str, Any] = {
                "enabled": draw(st.booleans()),
                "type": "webhook",
                "conversation_service": draw(st.sampled_from(keys)),
                "webhook_url": "https://hooks.example.com/in",
                "webhook_method": draw(st.sampled_from(("GET", "POST"))),
            }
            address["auto_creation"] = auto
        addresses.append(address)
    document["address_configurations"] = addresses
    credentials: dict[str, Any] = {}
    for name in draw(st.lists(st.sampled_from(("ios", "android")), max_size=2, unique=True)):
        if name == "ios":
            credentials[name] = {
                "type": "apn",
                "sandbox": draw(st.booleans()),
                "certificate": "cert",
                "private_key": "key",
            }
        else:
            credentials[name] = {"type": "fcm", "secret": "server-key"}
    document["credentials"] = credentials
    document["policy"] = {"prune": prune}
    return document


def converge_once(engine: Engine, document: dict[str, Any]) -> None:
    """One apply reaches the desired state: the next plan is empty and writes nothing."""
    loaded = engine.load(document)
    plan, live = engine.plan(loaded)
    assert not plan.blocking({ALLOW_DESTROY, FORCE}), [g.message for g in plan.guards]
    report = Executor(engine.api, live).run(plan)
    assert report.succeeded, report_details(report) + "\n" + describe_plan(plan)
    assert_clean(engine.plan(loaded)[0])
    engine.emulator.reset_stats()
    _, again = engine.apply(loaded)
    assert again.succeeded and engine.count_writes() == 0
    assert_pruned(engine, document)


def assert_pruned(engine: Engine, document: dict[str, Any]) -> None:
    """Kinds in policy.prune hold exactly what the config names, each once."""
    prune = document["policy"]["prune"]
    v1 = engine.v1
    if "credentials" in prune:
        names = sorted(credential.friendly_name for credential in v1.credentials.list())
        assert names == sorted(document["credentials"])
    if "address_configurations" in prune:
        addresses = sorted(address.address for address in v1.address_configurations.list())
        assert addresses == sorted(a["address"] for a in document["address_configurations"])
    if "roles" in prune:
        built_in = ["channel admin", "channel user", "service admin", "service user"]
        for key, service in document["services"].items():
            roles = v1.services(engine.service_sid(key)).roles.list()
            names = sorted(role.friendly_name for role in roles)
            assert names == sorted({*built_in, *service["roles"]})


@SETTINGS
@given(before=desired_states(), after=desired_states())
def test_any_desired_state_from_any_managed_state(
    tmp_path: Path, before: dict[str, Any], after: dict[str, Any]
) -> None:
    with fresh_engine(tmp_path / "cfg") as engine:
        engine.converge(before)
        converge_once(engine, after)


# --- random live drift made with raw SDK calls ----------------------------------------------


def _pick(data: st.DataObject, items: list[Any]) -> Any:
    return data.draw(st.sampled_from(items)) if items else None


def drift(engine: Engine, data: st.DataObject) -> None:
    """One random change to the account, made behind the reconciler's back."""
    v1 = engine.v1
    # Sorted: apply runs concurrently, so list order (creation order) varies between runs.
    services = sorted(v1.services.list(), key=lambda item: (item.friendly_name, item.sid))
    service = _pick(data, services)
    choice = data.draw(
        st.sampled_from(
            (
                "role permissions",
                "role delete",
                "role create",
                "service configuration",
                "service webhooks",
                "notifications",
                "account configuration",
                "account webhooks",
                "address update",
                "address delete",
                "address create",
                "credential delete",
                "credential create",
            )
        ),
        label="drift",
    )
    roles = sorted(
        v1.services(service.sid).roles.list() if service else [],
        key=lambda item: (item.friendly_name, item.sid),
    )
    custom = [role for role in roles if role.friendly_name[:2] in ("c-", "s-", "x-")]
    addresses = sorted(v1.address_configurations.list(), key=lambda item: item.address)
    credentials = sorted(v1.credentials.list(), key=lambda item: (item.friendly_name, item.type))
    try:
        if choice == "role permissions" and custom:
            role = _pick(data, custom)
            pool = CONVERSATION_PERMISSIONS if role.type == "conversation" else SERVICE_PERMISSIONS
            v1.services(service.sid).roles(role.sid).update(permission=data.draw(subset(pool, 1)))
        elif choice == "role delete" and custom:
            v1.services(service.sid).roles(_pick(data, custom).sid).delete()
        elif choice == "role create" and service:
            v1.services(service.sid).roles.create(
                friendly_name=data.draw(st.sampled_from(("x-extra", *CONVERSATION_ROLES))),
                type="conversation",
                permission=["sendMessage"],
            )
        elif choice == "service configuration" and service:
            conversation_roles = [role for role in roles if role.type == "conversation"]
            v1.services(service.sid).configuration().update(
                default_conversation_role_sid=_pick(data, conversation_roles).sid,
                reachability_enabled=data.draw(st.booleans()),
            )
        elif choice == "service webhooks" and service:
            v1.services(service.sid).configuration.webhooks().update(
                method=data.draw(st.sampled_from(("GET", "POST"))),
                post_webhook_url="https://drift.example.com/",
                filters=data.draw(subset(SERVICE_WEBHOOK_FILTERS)),
            )
        elif choice == "notifications" and service:
            v1.services(service.sid).configuration.notifications().update(
                log_enabled=data.draw(st.booleans()), new_message_template="drifted"
            )
        elif choice == "account configuration":
            v1.configuration().update(
                default_inactive_timer="PT7M",
                default_chat_service_sid=_pick(data, services).sid,
            )
        elif choice == "account webhooks":
            v1.configuration.webhooks().update(method="GET", filters=["onMessageRemoved"])
        elif choice == "address update" and addresses:
            v1.address_configurations(_pick(data, addresses).sid).update(friendly_name="drifted")
        elif choice == "address delete" and addresses:
            v1.address_configurations(_pick(data, addresses).sid).delete()
        elif choice == "address create":
            v1.address_configurations.create(type="sms", address=_pick(data, list(NUMBERS)))
        elif choice == "credential delete" and credentials:
            v1.credentials(_pick(data, credentials).sid).delete()
        elif choice == "credential create":
            v1.credentials.create(
                type="fcm", friendly_name=_pick(data, ["ios", "android", "x"]), secret="s"
            )
    except TwilioRestException as error:
        # Twilio refuses some drift (a default role, a taken address): that is no drift.
        assert error.status in (400, 409), error


@SETTINGS
@given(document=desired_states(), data=st.data())
def test_any_raw_sdk_drift_is_repaired_in_one_apply(
    tmp_path: Path, document: dict[str, Any], data: st.DataObject
) -> None:
    with fresh_engine(tmp_path / "cfg") as engine:
        engine.converge(document)
        for _ in range(data.draw(st.integers(1, 6), label="drift count")):
            drift(engine, data)
        converge_once(engine, document)
