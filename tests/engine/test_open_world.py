"""An account holding what this version has never seen: kept, shown, round-tripped, never destroyed.

The emulator's API refuses values outside Twilio's documented lists, as Twilio does today; an
account set up years ago, or next year, holds them anyway. So the account is built through the
API, the emulator stopped, and its state file edited as such an account would read: unknown
permissions (of a conversation and of a service role), account, service and address webhook
filters, target, address, auto-creation, credential and role types, a lower-case method, account
and service webhook methods outside GET and POST, a 300-character service name, and references
to a service and a role that were deleted.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml

from reconciler.emulator.server import EmulatorServer
from reconciler.plan import PlanOptions, plan_account
from tests.engine.conftest import (
    Cli,
    Engine,
    apply_ok,
    assert_clean,
    assert_no_traceback,
    report_details,
    write_yaml,
)

GONE_SERVICE = "IS" + "d" * 32
GONE_ROLE = "RL" + "e" * 32
LONG_NAME = "Support " + "N" * 300

BASE: dict[str, Any] = {
    "version": 1,
    "account": {
        "webhooks": {
            "method": "POST",
            "post_webhook_url": "https://hooks.example.com/account",
            "filters": ["onMessageAdded"],
        }
    },
    "services": {
        "support": {
            "friendly_name": "Support",
            "roles": {
                "agent": {"type": "conversation", "permissions": ["sendMessage"]},
                "bot": {"type": "conversation", "permissions": ["sendMessage"]},
                "supervisor": {"type": "service", "permissions": ["joinConversation"]},
            },
            "configuration": {"default_conversation_role": "agent"},
            "webhooks": {
                "method": "POST",
                "post_webhook_url": "https://hooks.example.com/support",
                "filters": ["onMessageAdded"],
            },
        }
    },
    "address_configurations": [
        {
            "type": "sms",
            "address": "+15017122661",
            "friendly_name": "becomes telegram",
            "auto_creation": {
                "enabled": True,
                "type": "webhook",
                "conversation_service": "support",
                "webhook_url": "https://hooks.example.com/inbound",
                "webhook_method": "POST",
                "webhook_filters": ["onMessageAdded"],
            },
        },
        {
            "type": "whatsapp",
            "address": "whatsapp:+15017122662",
            "auto_creation": {
                "enabled": True,
                "type": "default",
                "conversation_service": "support",
            },
        },
    ],
    "credentials": {"push": {"type": "fcm", "secret": "fcm-server-key-1"}},
}

UNKNOWN_VALUES = {
    "onAIThing",
    "onAgentHandoff",
    "method: PUT",
    "impersonate",
    "studio",
    "summonAI",
    "robot",
    "beep",
    "telegram",
    "telegram:12345",
    "ai_agent",
    "hms",
    "onConversationSummarized",
}


def _seed(conversations: dict[str, Any]) -> None:
    """What a real account may hold that the API of the day would refuse."""
    conversations["webhooks"]["filters"].append("onAIThing")
    conversations["webhooks"]["target"] = "studio"
    conversations["webhooks"]["method"] = "PUT"
    for roles in conversations["roles"].values():
        for role in roles:
            if role["friendly_name"] == "agent":
                role["permissions"].append("summonAI")
            if role["friendly_name"] == "bot":
                role["type"], role["permissions"] = "robot", ["beep"]
            if role["friendly_name"] == "supervisor":
                role["permissions"].append("impersonate")
    sms, whatsapp = sorted(conversations["addresses"], key=lambda a: a["type"])
    sms.update(type="telegram", address="telegram:12345")
    sms["auto_creation"]["webhook_filters"].append("onConversationSummarized")
    sms["auto_creation"]["webhook_method"] = "post"
    whatsapp["auto_creation"].update(type="ai_agent", conversation_service_sid=GONE_SERVICE)
    conversations["credentials"][0]["type"] = "hms"
    for service in conversations["services"]:
        if service["friendly_name"] == "Support":
            service["friendly_name"] = LONG_NAME
            webhooks = conversations["service_webhooks"][service["sid"]]
            webhooks["filters"].append("onAgentHandoff")
            webhooks["method"] = "PUT"
            conversations["service_configurations"][service["sid"]][
                "default_conversation_creator_role_sid"
            ] = GONE_ROLE


def _restart(state: Path, edit: Callable[[dict[str, Any]], None]) -> EmulatorServer:
    document = json.loads(state.read_text("utf-8"))
    edit(document["accounts"][0]["conversations"])
    state.write_text(json.dumps(document), "utf-8")
    server = EmulatorServer(state_path=state)
    server.start()
    return server


@contextmanager
def account_holding(
    folder: Path,
    edit: Callable[[dict[str, Any]], None] = _seed,
    base: Mapping[str, Any] = BASE,
) -> Iterator[EmulatorServer]:
    """An emulator serving `base`, built through the API, then edited in its state file as an
    account of another year would hold it."""
    state = folder / "state.json"
    first = EmulatorServer(state_path=state)
    first.start()
    try:
        builder = Engine(first, folder / "build")
        builder.converge(base)
        builder.close()
    finally:
        first.stop()
    assert not list(folder.glob("state.json.journal*")), "the snapshot must hold everything"
    server = _restart(state, edit)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def seeded(tmp_path: Path) -> Iterator[tuple[Cli, Engine]]:
    with account_holding(tmp_path) as server:
        engine = Engine(server, tmp_path / "config")
        try:
            yield Cli(server, tmp_path / "cli"), engine
        finally:
            engine.close()


def _live_view(engine: Engine) -> dict[str, Any]:
    """Everything the seeded values live in, read through the SDK."""
    v1 = engine.v1
    services = v1.services.list()
    account_webhooks = v1.configuration.webhooks().fetch()
    return {
        "webhooks": (account_webhooks.filters, account_webhooks.target, account_webhooks.method),
        "service_webhooks": sorted(
            (webhooks.method, tuple(sorted(webhooks.filters)))
            for service in services
            for webhooks in [v1.services(service.sid).configuration.webhooks().fetch()]
        ),
        "roles": sorted(
            (role.friendly_name, role.type, tuple(sorted(role.permissions)))
            for service in services
            for role in v1.services(service.sid).roles.list()
        ),
        "addresses": sorted(
            (a.type, a.address, json.dumps(a.auto_creation, sort_keys=True))
            for a in v1.address_configurations.list()
        ),
        "credentials": sorted((c.friendly_name, c.type) for c in v1.credentials.list()),
        "services": sorted(s.friendly_name for s in services),
    }


def test_export_validate_plan_apply_keep_every_unknown_value(
    seeded: tuple[Cli, Engine], tmp_path: Path
) -> None:
    run, engine = seeded
    before = _live_view(engine)
    exported = tmp_path / "exported.yaml"
    assert run("export", "--out", str(exported)).exit_code == 0
    text = exported.read_text("utf-8")
    for value in UNKNOWN_VALUES:
        assert value in text, f"{value} was not exported"
    assert LONG_NAME in text
    assert f"{GONE_SERVICE}, which no longer exists" in text
    assert f"{GONE_ROLE}, which no longer exists" in text

    validated = run("validate", str(exported), endpoint=False)
    assert validated.exit_code == 0, validated.stderr
    warnings = [line for line in validated.stderr.splitlines() if ": warning: " in line]
    assert any("'summonAI' is not a value this version knows" in w for w in warnings)
    assert any("'telegram' is not a value this version knows" in w for w in warnings)
    assert any("friendly_name is 308 characters long" in w for w in warnings)
    strict = run("validate", "--strict", str(exported), endpoint=False)
    assert strict.exit_code == 1
    assert "'summonAI' is not a value this version knows" in strict.stderr
    assert "(an error under --strict)" in strict.stderr

    assert run("plan", str(exported), "--detailed-exitcode").exit_code == 0

    everything = {
        "policy": {"prune": ["services", "roles", "address_configurations", "credentials"]}
    }
    pruning = write_yaml(tmp_path, everything, "prune.yaml")
    planned = run("plan", str(exported), str(pruning), "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output
    narrow = {"version": 1, "policy": everything["policy"]}
    shown = run("plan", str(write_yaml(tmp_path, narrow, "narrow.yaml")), "--format", "json")
    kept = {(item["kind"], item["key"]) for item in json.loads(shown.stdout)["kept"]}
    assert {
        ("address_configuration", "telegram:12345"),
        ("credential", "push"),
        ("service", "Default Conversations Service"),
    } <= {(kind, key.split(" (IS")[0]) for kind, key in kept}
    text = run("plan", str(write_yaml(tmp_path, narrow, "narrow.yaml")))
    assert "Kept: address_configuration telegram:12345" in text.stdout
    apply_ok(run, str(exported), str(pruning), "--allow-destroy")
    assert _live_view(engine) == before


def test_prune_keeps_unknown_types_and_says_why(seeded: tuple[Cli, Engine]) -> None:
    _, engine = seeded
    config = {
        "version": 1,
        "services": {"support": {"friendly_name": LONG_NAME, "roles": {}}},
        "policy": {"prune": ["roles", "address_configurations", "credentials"]},
    }
    plan, _ = engine.plan(engine.load(config))
    deleted = {(change.kind, change.key) for change in plan.changes}
    kept = {(item.kind, item.key): item for item in plan.kept}
    assert ("address_configuration", "telegram:12345") in kept
    assert ("credential", "push") in kept
    assert kept[("role", "support/bot")].service == "support"
    assert ("address_configuration", "whatsapp:+15017122662") in deleted, "a known type is pruned"
    assert not any(key == "telegram:12345" for _, key in deleted)
    reason = kept[("address_configuration", "telegram:12345")].reason
    assert "'telegram' is not one this version knows" in reason
    assert "policy.prune_unknown_types" in reason


def test_a_configuration_that_uses_the_type_or_the_policy_lets_prune_delete(
    seeded: tuple[Cli, Engine],
) -> None:
    _, engine = seeded
    prune = ["address_configurations", "credentials"]
    naming = {
        "version": 1,
        "address_configurations": [{"type": "telegram", "address": "telegram:67890"}],
        "policy": {"prune": prune},
    }
    plan, _ = engine.plan(engine.load(naming))
    deleted = {change.key for change in plan.changes if change.action.value == "delete"}
    assert "telegram:12345" in deleted, "the configuration uses the type: its own prune rules"
    assert "push" not in deleted and [k.key for k in plan.kept] == ["push"]

    opted_in = {"version": 1, "policy": {"prune": prune, "prune_unknown_types": True}}
    plan, _ = engine.plan(engine.load(opted_in))
    deleted = {change.key for change in plan.changes if change.action.value == "delete"}
    assert {"telegram:12345", "push"} <= deleted
    assert plan.kept == []


def _with_roles(roles: dict[str, Any], **sections: Any) -> dict[str, Any]:
    """A configuration of the seeded Support service with these roles (and other sections)."""
    return {
        "version": 1,
        "services": {"support": {"friendly_name": LONG_NAME, "roles": roles}},
        **sections,
    }


def test_a_listed_field_without_the_unknown_value_shows_its_removal(
    seeded: tuple[Cli, Engine],
) -> None:
    _, engine = seeded
    config = _with_roles({"agent": {"type": "conversation", "permissions": ["sendMessage"]}})
    plan, _ = engine.plan(engine.load(config))
    (change,) = plan.changes
    (diff,) = change.diffs
    assert (change.action.value, diff.name) == ("update", "permissions")
    assert diff.before == ["sendMessage", "summonAI"] and diff.after == ["sendMessage"]


def test_resources_of_unknown_types_are_updated_and_keep_what_they_hold(
    seeded: tuple[Cli, Engine],
) -> None:
    """Renaming an address whose auto-creation type, and changing the permissions of a role whose
    type, the emulator does not know: the emulator answered 500 (a KeyError on its own state),
    which apply retried and reported as an outage."""
    _, engine = seeded
    config = _with_roles(
        {"bot": {"type": "robot", "permissions": ["beep", "boop"]}},
        address_configurations=[
            {"type": "whatsapp", "address": "whatsapp:+15017122662", "friendly_name": "renamed"}
        ],
    )
    loaded = engine.load(config)
    plan, report = engine.apply(loaded)
    assert sorted((change.kind, change.action.value) for change in plan.changes) == [
        ("address_configuration", "update"),
        ("role", "update"),
    ]
    assert report.succeeded, report_details(report)
    assert_clean(engine.plan(loaded)[0])
    bot = engine.role(engine.service_sid(LONG_NAME), "bot")
    assert (bot.type, sorted(bot.permissions)) == ("robot", ["beep", "boop"])
    (address,) = [a for a in engine.v1.address_configurations.list() if a.type == "whatsapp"]
    assert address.friendly_name == "renamed"
    assert address.auto_creation["type"] == "ai_agent"
    assert address.auto_creation["conversation_service_sid"] == GONE_SERVICE


def test_an_unchanged_dangling_reference_plans_but_a_new_one_is_refused(
    seeded: tuple[Cli, Engine], tmp_path: Path
) -> None:
    run, engine = seeded
    exported = tmp_path / "exported.yaml"
    assert run("export", "--out", str(exported)).exit_code == 0
    document = yaml.safe_load(exported.read_text("utf-8"))
    plan, _ = plan_account(engine.load(document), engine.api, PlanOptions())
    assert_clean(plan)
    document["address_configurations"][0]["auto_creation"]["conversation_service"] = GONE_SERVICE
    refused = run("plan", str(write_yaml(tmp_path, document, "new-dangling.yaml")))
    assert refused.exit_code == 1
    assert f"{GONE_SERVICE} is not a conversation service of this account" in refused.stderr


CLEARABLE_SET: dict[str, Any] = {
    "version": 1,
    "account": {
        "configuration": {
            "default_messaging_service_sid": "(a Messaging Service of the account)",
            "default_inactive_timer": "PT1H",
            "default_closed_timer": "P1D",
        },
        "webhooks": {
            "pre_webhook_url": "https://hooks.example.com/pre",
            "post_webhook_url": "https://hooks.example.com/post",
            "filters": ["onMessageAdded"],
        },
    },
    "services": {
        "s": {
            "notifications": {
                "new_message": {
                    "template": "new",
                    "sound": "ding",
                    "with_media": {"template": "media"},
                },
                "added_to_conversation": {"template": "added", "sound": "ding"},
                "removed_from_conversation": {"template": "removed", "sound": "ding"},
            },
            "webhooks": {
                "pre_webhook_url": "https://hooks.example.com/s-pre",
                "post_webhook_url": "https://hooks.example.com/s-post",
                "filters": ["onMessageAdded"],
            },
        }
    },
    "address_configurations": [
        {
            "type": "sms",
            "address": "+15017122661",
            "friendly_name": "line",
            "address_country": "US",
            "auto_creation": {
                "enabled": True,
                "type": "webhook",
                "webhook_url": "https://hooks.example.com/in",
                "webhook_filters": ["onMessageAdded"],
            },
        }
    ],
}


def _cleared(node: Any) -> Any:
    """Every clearable leaf of CLEARABLE_SET set to null, the rest as it was."""
    if isinstance(node, list) and all(isinstance(item, dict) for item in node):
        return [_cleared(item) for item in node]
    if not isinstance(node, dict):
        return None
    keep = {"version", "type", "address", "enabled"}
    return {key: value if key in keep else _cleared(value) for key, value in node.items()}


def test_every_null_the_readme_calls_cleared_applies_and_plans_clean(engine: Engine) -> None:
    """What `validate` lets through as `null`, Twilio (the emulator) clears: no apply fails."""
    sender = engine.client.messaging.v1.services.create(friendly_name="sender")
    everything = copy.deepcopy(CLEARABLE_SET)
    everything["account"]["configuration"]["default_messaging_service_sid"] = sender.sid
    engine.converge(everything)
    cleared = _cleared(everything)
    assert cleared["address_configurations"][0]["auto_creation"]["webhook_url"] is None
    cleared["address_configurations"][0]["auto_creation"]["webhook_url"] = "https://h.example/x"
    engine.converge(cleared)
    fetched = engine.v1.configuration.webhooks().fetch()
    assert (fetched.pre_webhook_url, fetched.post_webhook_url, fetched.filters) == (None, None, [])
    (address,) = engine.v1.address_configurations.list()
    assert address.friendly_name is None and address.address_country is None


def test_a_default_roles_type_change_runs_after_the_plan_repoints_the_default(
    engine: Engine,
) -> None:
    """Issue 19: changing a default role's type was refused even when the same configuration
    moved the default elsewhere (a delete with the same repoint worked)."""
    roles = {"agent": {"type": "conversation", "permissions": ["sendMessage"]}}
    service = {"roles": roles, "configuration": {"default_conversation_role": "agent"}}
    engine.converge({"version": 1, "services": {"s": service}})
    moved = {
        "roles": {"agent": {"type": "service", "permissions": ["joinConversation"]}},
        "configuration": {"default_conversation_role": "channel user"},
    }
    plan, _ = engine.plan(engine.load({"version": 1, "services": {"s": moved}}))
    assert plan.guards == []
    levels = {change.kind: change.level for change in plan.changes}
    assert levels["service_configuration"] < levels["role"]
    engine.converge({"version": 1, "services": {"s": moved}})
    assert engine.role(engine.service_sid("s"), "agent").type == "service"

    kept_on_it = {"roles": roles, "configuration": {"default_conversation_role": "agent"}}
    engine.converge({"version": 1, "services": {"s": kept_on_it}})
    flipped = {"roles": moved["roles"]}  # the live default stays on agent
    plan, _ = engine.plan(engine.load({"version": 1, "services": {"s": flipped}}))
    assert [guard.flag for guard in plan.guards] == [None], "the default stays on it: refused"


def test_export_names_what_it_cannot_express_and_exits_1(tmp_path: Path) -> None:
    """A value this version cannot write as valid configuration (an SMS address that is no phone
    number, as an old account may hold) fails the export, naming it; no file is written."""

    def malformed(conversations: dict[str, Any]) -> None:
        sms = next(a for a in conversations["addresses"] if a["type"] == "sms")
        sms["address"] = "501-712-2661"

    out = tmp_path / "exported.yaml"
    with account_holding(tmp_path, malformed) as server:
        result = Cli(server, tmp_path / "cli")("export", "--out", str(out))
    assert result.exit_code == 1
    assert "nothing was exported" in result.stderr
    assert (
        "exported.yaml:" in result.stderr
        and "'501-712-2661' is not a valid address" in result.stderr
    )
    assert not out.exists()


PRUNE_ALL = {"prune": ["services", "roles", "address_configurations", "credentials"]}


def test_a_credential_without_a_name_is_shown_by_sid_and_never_pruned(
    engine: Engine, run: Cli
) -> None:
    """Twilio's credential FriendlyName is optional; one created without it crashed doctor,
    plan --show-unmanaged and every plan that prunes credentials (a None joined as a key)."""
    nameless = engine.v1.credentials.create(type="fcm", secret="fcm-server-key-1")
    assert nameless.friendly_name is None
    config = run.config({"version": 1, "policy": {"prune": ["credentials"]}})

    shown = json.loads(run("plan", config, "--format", "json").stdout)
    assert shown["changes"] == []
    (kept,) = shown["kept"]
    assert (kept["kind"], kept["key"], kept["sid"]) == ("credential", nameless.sid, nameless.sid)
    assert (
        "it has no friendly_name, so it has no name the configuration could use" in (kept["reason"])
    )
    unmanaged = run("plan", "--show-unmanaged", config)
    assert unmanaged.exit_code == 0, unmanaged.stderr
    assert f"credential {nameless.sid}: left alone: it has no friendly_name" in unmanaged.stdout
    doctor = run("doctor")
    assert doctor.exit_code == 2, doctor.stderr
    assert f"credential {nameless.sid}" in doctor.stdout and "[nameless]" in doctor.stdout
    apply_ok(run, config)
    assert [c.sid for c in engine.v1.credentials.list()] == [nameless.sid]


NAMELESS_BASE: dict[str, Any] = {
    **BASE,
    "services": {**BASE["services"], "nameless": {"friendly_name": "Nameless"}},
    "credentials": {**BASE["credentials"], "push2": {"type": "fcm", "secret": "fcm-key-2"}},
}


def _without_names(conversations: dict[str, Any]) -> None:
    """A service, a role, two credentials and an address configuration without the name the
    configuration matches them by."""
    for credential in conversations["credentials"]:
        credential["friendly_name"] = None
    for service in conversations["services"]:
        if service["friendly_name"] == "Nameless":
            service["friendly_name"] = None
    for roles in conversations["roles"].values():
        for role in roles:
            if role["friendly_name"] == "bot":
                role["friendly_name"] = None
    next(a for a in conversations["addresses"] if a["type"] == "whatsapp")["address"] = None


def test_resources_without_a_name_are_shown_by_sid_and_kept(tmp_path: Path) -> None:
    with account_holding(tmp_path, _without_names, NAMELESS_BASE) as server:
        run, engine = Cli(server, tmp_path / "cli"), Engine(server, tmp_path / "config")
        try:
            services = {s.friendly_name: s.sid for s in engine.v1.services.list()}
            roles = engine.v1.services(services["Support"]).roles.list()
            nameless = {
                ("service", services[None]),
                ("role", next(r.sid for r in roles if r.friendly_name is None)),
                *(("credential", c.sid) for c in engine.v1.credentials.list()),
                *(
                    ("address_configuration", a.sid)
                    for a in engine.v1.address_configurations.list()
                    if a.address is None
                ),
            }
            assert len(nameless) == 5
            agent = {"type": "conversation", "permissions": ["sendMessage"]}
            support = {"friendly_name": "Support", "roles": {"agent": agent}}
            config = run.config(
                {"version": 1, "services": {"support": support}, "policy": PRUNE_ALL}
            )

            shown = json.loads(run("plan", config, "--format", "json").stdout)
            kept = {(item["kind"], item["key"]): item["reason"] for item in shown["kept"]}
            assert nameless <= set(kept)
            assert all("no name the configuration could use" in kept[key] for key in nameless)
            deleted = {change["sid"] for change in shown["changes"]}
            assert not deleted & {sid for _, sid in nameless}
            unmanaged = run("plan", "--show-unmanaged", config)
            assert unmanaged.exit_code == 0, unmanaged.stderr
            assert all(f"{kind} {sid}: left alone" in unmanaged.stdout for kind, sid in nameless)
            doctor = json.loads(run("doctor", "--format", "json").stdout)
            found = {(i["kind"], i["sid"]) for i in doctor["unknown"] if i["problem"] == "nameless"}
            assert found == nameless
            for form in ("text", "json"):
                diffed = run("diff", config, "--live", "--format", form)
                assert diffed.exit_code == 0, diffed.stderr
                assert all(sid in diffed.stdout for _, sid in nameless)

            apply_ok(run, config, "--allow-destroy")
            after = {c.sid for c in engine.v1.credentials.list()}
            after |= {s.sid for s in engine.v1.services.list()}
            after |= {a.sid for a in engine.v1.address_configurations.list()}
            after |= {r.sid for r in engine.v1.services(services["Support"]).roles.list()}
            assert {sid for _, sid in nameless} <= after
        finally:
            engine.close()


def test_export_leaves_out_what_has_no_name_names_it_and_exits_1(tmp_path: Path) -> None:
    """A credential or role without a name cannot be a key of the file: export wrote the rest,
    said so only in a comment and exited 0. It names each, writes the rest and exits 1; a
    default role that is such a role stays its SID, which plans clean."""

    def unnamed(conversations: dict[str, Any]) -> None:
        conversations["credentials"][0]["friendly_name"] = None
        for service_sid, roles in conversations["roles"].items():
            for role in roles:
                if role["friendly_name"] == "bot":
                    role["friendly_name"] = None
                    configuration = conversations["service_configurations"][service_sid]
                    configuration["default_conversation_creator_role_sid"] = role["sid"]

    exported = tmp_path / "exported.yaml"
    with account_holding(tmp_path, unnamed) as server:
        run = Cli(server, tmp_path / "cli")
        engine = Engine(server, tmp_path / "config")
        try:
            (credential,) = engine.v1.credentials.list()
            bot = next(
                role
                for service in engine.v1.services.list()
                for role in engine.v1.services(service.sid).roles.list()
                if role.friendly_name is None
            )
        finally:
            engine.close()
        written = run("export", "--out", str(exported))
        assert written.exit_code == 1
        assert_no_traceback(written)
        for left_out in (f"credential {credential.sid}: ", f"role {bot.sid} of services.support: "):
            assert left_out in written.stderr, written.stderr
            assert f"# NOTE: not exported: {left_out}" in exported.read_text("utf-8")
        assert f"the rest is written to {exported}" in written.stderr
        document = yaml.safe_load(exported.read_text("utf-8"))
        configuration = document["services"]["support"]["configuration"]
        assert configuration["default_conversation_creator_role"] == bot.sid
        assert "no longer exists" not in exported.read_text("utf-8")
        assert run("validate", str(exported), endpoint=False).exit_code == 0
        assert run("plan", str(exported), "--detailed-exitcode").exit_code == 0

        to_stdout = run("export")
        assert to_stdout.exit_code == 1
        assert to_stdout.stdout == exported.read_text("utf-8"), "the same file on stdout"


AI_AGENT = "AI" + "1" * 32


def test_export_names_a_field_it_does_not_read_inside_auto_creation(tmp_path: Path) -> None:
    """An auto-creation type of another year with its own field: export left the field out with
    exit 0 and no word. The file cannot hold it (the configuration has no such key and the
    engine no parameter for it): export names it, writes the rest and exits 1; plan leaves the
    field as it is."""

    def ai_agent(conversations: dict[str, Any]) -> None:
        whatsapp = next(a for a in conversations["addresses"] if a["type"] == "whatsapp")
        whatsapp["auto_creation"].update(type="ai_agent", ai_agent_sid=AI_AGENT)

    exported = tmp_path / "exported.yaml"
    with account_holding(tmp_path, ai_agent) as server:
        run = Cli(server, tmp_path / "cli")
        written = run("export", "--out", str(exported))
        assert written.exit_code == 1
        named = f"auto_creation.ai_agent_sid = '{AI_AGENT}' of address_configurations[1]"
        assert named in written.stderr, written.stderr
        text = exported.read_text("utf-8")
        assert f"# NOTE: not exported: {named}" in text
        assert "ai_agent" in text and "ai_agent_sid:" not in text
        assert run("validate", str(exported), endpoint=False).exit_code == 0
        assert run("plan", str(exported), "--detailed-exitcode").exit_code == 0
        document = yaml.safe_load(text)
        document["address_configurations"][1]["friendly_name"] = "renamed"
        apply_ok(run, str(write_yaml(tmp_path, document, "renamed.yaml")))
        engine = Engine(server, tmp_path / "config")
        try:
            (address,) = [
                a for a in engine.v1.address_configurations.list() if a.type == "whatsapp"
            ]
        finally:
            engine.close()
        assert address.friendly_name == "renamed"
        assert address.auto_creation["ai_agent_sid"] == AI_AGENT, "plan left it as it is"
