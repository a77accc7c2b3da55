"""`plan --format json` against schemas/plan.schema.json, over plans of every shape.

Every JSON plan elsewhere in the tests is checked too (see checks.py); these plans are built to
hold each part of the format at once: creates, updates, replaces, deletes, guards, notes,
values known only after apply, secrets, and the same plan shown again from its file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema

from reconciler.kinds import KINDS_BY_NAME
from reconciler.plan.document import JSON_FORMAT_VERSION
from reconciler.plan.model import REDACTED, Action
from tests.engine.conftest import Cli, Engine, apply_ok
from tests.plan_json.checks import assert_valid, load_schema

REPO = Path(__file__).resolve().parents[2]
SECRETS = {
    "FCM_T": "fcm-secret-value-0123456789",
    "FCM_STALE_T": "fcm-stale-secret-9876543210",
    "CERT_T": "-----BEGIN CERTIFICATE-----\ncert-secret-line-abcdef\n-----END CERTIFICATE-----",
    "KEY_T": "key-secret-value-abcdef012345",
}
BEFORE = {
    "version": 1,
    "services": {
        "support": {
            "friendly_name": "Support",
            "roles": {
                "agent": {"type": "conversation", "permissions": ["sendMessage"]},
                "old": {"type": "service", "permissions": ["joinConversation"]},
                "typed": {"type": "conversation", "permissions": ["sendMessage"]},
            },
            "webhooks": {"method": "GET", "post_webhook_url": "https://old.example.com/hook"},
        },
        "legacy": {"friendly_name": "Legacy"},
    },
    "address_configurations": [
        {
            "type": "sms",
            "address": "+15017122661",
            "friendly_name": "Old name",
            "auto_creation": {
                "enabled": True,
                "type": "webhook",
                "conversation_service": "support",
                "webhook_url": "https://hooks.example.com/old",
                "webhook_method": "POST",
            },
        }
    ],
    "credentials": {
        "android": {"type": "fcm", "secret": "${FCM_T}"},
        "stale": {"type": "fcm", "secret": "${FCM_STALE_T}"},
    },
}
AFTER = {
    "version": 1,
    "services": {
        "support": {
            "friendly_name": "Support",
            "roles": {
                "agent": {
                    "type": "conversation",
                    "permissions": ["sendMessage", "leaveConversation"],
                },
                "typed": {"type": "service", "permissions": ["joinConversation"]},
                "auditor": {"type": "service", "permissions": ["joinConversation"]},
            },
            "webhooks": {"method": "POST", "post_webhook_url": "https://hooks.example.com/support"},
        },
        "fresh": {
            "friendly_name": "Fresh",
            "configuration": {"reachability_enabled": True},
            "roles": {"helper": {"type": "conversation", "permissions": ["sendMessage"]}},
        },
    },
    "address_configurations": [
        {
            "type": "sms",
            "address": "+15017122661",
            "friendly_name": "New name",
            "auto_creation": {
                "enabled": True,
                "type": "webhook",
                "conversation_service": "fresh",
                "webhook_url": "https://hooks.example.com/new",
                "webhook_method": "POST",
            },
        }
    ],
    "credentials": {
        "android": {"type": "fcm", "secret": "${FCM_T}"},
        "ios": {"type": "apn", "certificate": "${CERT_T}", "private_key": "${KEY_T}"},
        "watch": {"type": "apn"},
    },
    "policy": {"prune": ["roles", "credentials", "services"]},
}


def by_key(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(change["kind"], change["key"]): change for change in document["changes"]}


def assert_no_secret(*texts: str) -> None:
    joined = "\n".join(texts)
    for value in SECRETS.values():
        for line in value.splitlines():
            assert line not in joined, line


def test_the_schema_names_every_kind_and_action() -> None:
    schema = load_schema("plan.schema.json")
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["properties"]["format_version"]["const"] == JSON_FORMAT_VERSION
    assert set(schema["$defs"]["kind"]["enum"]) == set(KINDS_BY_NAME)
    assert schema["$defs"]["action"]["enum"] == [action.value for action in Action]
    assert set(schema["$defs"]["summary"]["required"]) == {action.value for action in Action}


def test_a_plan_of_every_shape_fits_the_schema_and_shows_the_same(run: Cli, tmp_path: Path) -> None:
    apply_ok(run, run.config(BEFORE), env=SECRETS)
    planfile = tmp_path / "prod.plan"
    flags = ["--format", "json", "--rotate-secrets", "--out", str(planfile)]
    result = run("plan", run.config(AFTER), *flags, env=SECRETS)
    assert result.exit_code == 0, result.output + result.stderr
    document = json.loads(result.stdout)
    assert_valid(document)
    assert document["summary"] == {"create": 5, "update": 5, "replace": 1, "delete": 3}
    changes = by_key(document)

    agent = changes["role", "support/agent"]
    assert agent["action"] == "update"
    assert agent["before"] == {"permissions": ["sendMessage"]}
    assert agent["after"] == {"permissions": ["leaveConversation", "sendMessage"]}
    assert agent["before_sensitive"] == agent["after_sensitive"] == {}

    typed = changes["role", "support/typed"]
    assert typed["action"] == "replace" and typed["sid"].startswith("RL")
    assert typed["before"]["type"] == "conversation" and typed["after"]["type"] == "service"

    address = changes["address_configuration", "sms:+15017122661"]
    assert address["before"] == {
        "friendly_name": "Old name",
        "auto_creation": {
            "conversation_service": "support",
            "webhook_url": "https://hooks.example.com/old",
        },
    }
    assert address["after"]["auto_creation"]["conversation_service"] == "fresh"

    fresh_settings = changes["service_configuration", "fresh"]
    assert fresh_settings["before"] == {}
    assert fresh_settings["before_unknown"] == {"reachability_enabled": True}
    assert fresh_settings["after"] == {"reachability_enabled": True}

    ios = changes["credential", "ios"]
    assert ios["action"] == "create" and ios["before"] is None
    assert ios["after"] == {"type": "apn", "certificate": REDACTED, "private_key": REDACTED}
    assert ios["after_sensitive"] == {"certificate": True, "private_key": True}

    android = changes["credential", "android"]
    assert android["action"] == "update"
    assert android["before"] == android["after"] == {"secret": REDACTED}
    assert android["before_sensitive"] == android["after_sensitive"] == {"secret": True}

    stale = changes["credential", "stale"]
    assert stale["action"] == "delete" and stale["after"] is None
    assert stale["before"] == {"type": "fcm", "sandbox": False}
    (legacy,) = [change for (kind, key), change in changes.items() if key.startswith("Legacy")]
    assert legacy["action"] == "delete" and legacy["identity"] == [legacy["sid"]]
    assert changes["role", "support/old"]["action"] == "delete"

    guard_flags = {guard["flag"] for guard in document["guards"]}
    assert guard_flags == {"--allow-destroy", None}, document["guards"]

    shown = run("show", str(planfile), "--format", "json", endpoint=False)
    assert shown.exit_code == 0, shown.output + shown.stderr
    assert json.loads(shown.stdout) == document
    assert_valid(json.loads(planfile.read_text(encoding="utf-8"))["plan"])
    assert_no_secret(result.stdout, result.stderr, shown.stdout, planfile.read_text())


def test_notes_and_an_empty_plan_fit_the_schema(run: Cli, engine: Engine) -> None:
    config = run.config({"version": 1, "services": {"support": {"friendly_name": "Support"}}})
    apply_ok(run, config)
    clean = run("plan", config, "--format", "json", "--detailed-exitcode")
    assert clean.exit_code == 0, clean.output + clean.stderr
    empty = json.loads(clean.stdout)
    assert_valid(empty)
    assert empty["changes"] == [] and empty["summary"] == dict.fromkeys(
        ("create", "update", "replace", "delete"), 0
    )

    engine.v1.services.create(friendly_name="Support")  # a twin: noted, not managed
    noted = run("plan", config, "--format", "json")
    assert noted.exit_code == 0, noted.output + noted.stderr
    document = json.loads(noted.stdout)
    assert_valid(document)
    assert document["changes"] == [] and len(document["notes"]) == 1


def test_the_documented_example_fits_the_schema() -> None:
    text = (REPO / "docs" / "plan-json.md").read_text(encoding="utf-8")
    example = text.split("```json\n", 1)[1].split("```", 1)[0]
    assert_valid(json.loads(example))


def test_the_diff_schema_shares_the_plan_definitions() -> None:
    """`diff --format json` holds the plan's change objects: the definitions are copies, kept
    identical here (each schema stands alone for consumers)."""
    plan = load_schema("plan.schema.json")
    diff = load_schema("diff.schema.json")
    jsonschema.Draft202012Validator.check_schema(diff)
    assert {name: diff["$defs"][name] for name in plan["$defs"]} == plan["$defs"]
    assert diff["properties"]["format_version"]["const"] == 1


def test_the_documented_diff_example_fits_its_schema() -> None:
    text = (REPO / "docs" / "plan-json.md").read_text(encoding="utf-8")
    example = text.split("## `reconciler diff --format json`", 1)[1]
    assert_valid(
        json.loads(example.split("```json\n", 1)[1].split("```", 1)[0]), "diff.schema.json"
    )
