"""plan and apply through the CLI: exit codes, formats, guards, prune, saved plans, errors."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from reconciler.emulator.server import EmulatorServer
from tests.engine.conftest import Cli, Engine, apply_ok, one_line_error, writes

SERVICE_ONLY: dict[str, Any] = {"version": 1, "services": {"support": {"friendly_name": "Support"}}}
SECRET = "s3cr3t-fcm-key-that-must-never-show"


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def credential_digests(emulator: EmulatorServer) -> list[dict[str, str]]:
    return [item["secret_digests"] for item in emulator.snapshot()["credentials"]]


# --- plan --detailed-exitcode ---------------------------------------------------------------


def test_detailed_exitcode_is_2_with_changes_0_without_1_on_error(run: Cli) -> None:
    path = run.config(SERVICE_ONLY)
    assert run("plan", path, "--detailed-exitcode").exit_code == 2
    assert run("plan", path).exit_code == 0, "without the flag, changes are not an error"
    apply_ok(run, path)
    assert run("plan", path, "--detailed-exitcode").exit_code == 0
    bad = run("plan", path, "--detailed-exitcode", env={"TWILIO_AUTH_TOKEN": "wrong-token"})
    assert bad.exit_code == 1
    assert "Twilio refused the credentials (error 20003, HTTP 401)" in one_line_error(bad)


# --- output formats -------------------------------------------------------------------------


def test_json_format_has_integer_summary_and_changes_with_fields(run: Cli) -> None:
    roles = {"agent": {"type": "conversation", "permissions": ["sendMessage"]}}
    document = {"version": 1, "services": {"support": {"friendly_name": "Support", "roles": roles}}}
    result = run("plan", run.config(document), "--format", "json")
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert plan["summary"] == {"create": 2, "update": 0, "replace": 0, "delete": 0}
    assert all(type(count) is int for count in plan["summary"].values())
    by_kind = {change["kind"]: change for change in plan["changes"]}
    assert set(by_kind) == {"service", "role"}
    role = by_kind["role"]
    assert (role["action"], role["key"]) == ("create", "support/agent")
    fields = {field["name"]: field["after"] for field in role["fields"]}
    assert fields == {"type": "conversation", "permissions": ["sendMessage"]}
    assert {field["name"] for field in by_kind["service"]["fields"]} == {"friendly_name"}


def test_json_format_of_an_empty_plan(run: Cli) -> None:
    path = run.config(SERVICE_ONLY)
    apply_ok(run, path)
    plan = json.loads(run("plan", path, "--format", "json").stdout)
    assert plan["summary"] == {"create": 0, "update": 0, "replace": 0, "delete": 0}
    assert plan["changes"] == []


def test_markdown_format(run: Cli) -> None:
    path = run.config(SERVICE_ONLY)
    result = run("plan", path, "--format", "markdown")
    assert result.exit_code == 0
    text = result.stdout
    assert "| create | update | replace | delete |" in text
    assert "| 1 | 0 | 0 | 0 |" in text
    assert "<code>support</code>" in text and "will be created" in text
    apply_ok(run, path)
    assert "**No changes.**" in run("plan", path, "--format", "markdown").stdout


# --- guards ---------------------------------------------------------------------------------


def test_service_delete_needs_allow_destroy(run: Cli, emulator: EmulatorServer) -> None:
    apply_ok(run, run.config(SERVICE_ONLY))
    prune = run.config({"version": 1, "policy": {"prune": ["services"]}})
    emulator.reset_stats()
    refused = run("apply", prune, "--auto-approve")
    assert "--allow-destroy" in one_line_error(refused)
    assert writes(emulator.stats()) == 0
    apply_ok(run, prune, "--allow-destroy")
    assert run("plan", prune, "--detailed-exitcode").exit_code == 0


def test_service_replace_needs_allow_destroy(
    run: Cli, engine: Engine, emulator: EmulatorServer
) -> None:
    apply_ok(run, run.config(SERVICE_ONLY))
    sid = engine.service_sid("Support")
    renamed = run.config(
        {"version": 1, "services": {"support": {"friendly_name": "Help", "sid": sid}}}
    )
    emulator.reset_stats()
    assert "--allow-destroy" in one_line_error(run("apply", renamed, "--auto-approve"))
    assert writes(emulator.stats()) == 0
    apply_ok(run, renamed, "--allow-destroy")
    assert [s.friendly_name for s in engine.v1.services.list()].count("Support") == 0


def test_protected_service_is_refused_even_with_allow_destroy(
    run: Cli, emulator: EmulatorServer
) -> None:
    apply_ok(run, run.config(SERVICE_ONLY))
    sid = next(s["sid"] for s in emulator.snapshot()["services"] if s["friendly_name"] == "Support")
    prune = run.config(
        {"version": 1, "policy": {"prune": ["services"], "protected_services": [sid]}}
    )
    emulator.reset_stats()
    for flags in ((), ("--allow-destroy",), ("--allow-destroy", "--force")):
        message = one_line_error(run("apply", prune, "--auto-approve", *flags))
        assert "protected" in message
    assert writes(emulator.stats()) == 0


def test_default_service_is_never_deleted(run: Cli, emulator: EmulatorServer) -> None:
    default_sid = emulator.snapshot()["configuration"]["default_chat_service_sid"]
    default_name = next(
        s["friendly_name"] for s in emulator.snapshot()["services"] if s["sid"] == default_sid
    )
    # Managing the default service under a new name (pinned) would replace it: refused always.
    renamed = run.config(
        {"version": 1, "services": {"main": {"friendly_name": "Renamed", "sid": default_sid}}}
    )
    message = one_line_error(run("apply", renamed, "--auto-approve", "--allow-destroy"))
    assert "default service" in message
    # Pruning services leaves the default service alone.
    prune = run.config({"version": 1, "policy": {"prune": ["services"]}})
    result = run("plan", prune, "--detailed-exitcode")
    assert result.exit_code == 0, result.output
    assert default_name


def credentials_config(count: int, sandbox: bool, fraction: float = 0.3) -> dict[str, Any]:
    return {
        "version": 1,
        "credentials": {
            f"app-{index}": {
                "type": "apn",
                "sandbox": sandbox if index < 4 else False,
                "certificate": "cert",
                "private_key": "key",
            }
            for index in range(count)
        },
        "policy": {"max_change_fraction": fraction},
    }


def test_change_threshold_needs_force(run: Cli, emulator: EmulatorServer) -> None:
    apply_ok(run, run.config(credentials_config(10, sandbox=False)))
    changed = run.config(credentials_config(10, sandbox=True))  # 4 of 10 > 30%
    emulator.reset_stats()
    message = one_line_error(run("apply", changed, "--auto-approve"))
    assert "--force" in message and "max_change_fraction" in message
    assert writes(emulator.stats()) == 0
    apply_ok(run, changed, "--force")
    assert writes(emulator.stats()) == 4


def test_change_threshold_is_a_fraction_of_existing_resources(run: Cli) -> None:
    apply_ok(run, run.config(credentials_config(10, sandbox=False)))
    # 4 of 10 is within a 50% threshold.
    apply_ok(run, run.config(credentials_config(10, sandbox=True, fraction=0.5)))


def test_change_threshold_ignores_kinds_with_fewer_than_ten(run: Cli) -> None:
    apply_ok(run, run.config(credentials_config(9, sandbox=False)))
    apply_ok(run, run.config(credentials_config(9, sandbox=True)))  # 4 of 9, but only 9


def test_creates_do_not_count_against_the_threshold(run: Cli) -> None:
    apply_ok(run, run.config(credentials_config(10, sandbox=False)))
    bigger = credentials_config(20, sandbox=False)
    apply_ok(run, run.config(bigger))


# --- prune ----------------------------------------------------------------------------------


def test_prune_touches_only_listed_kinds_and_never_built_in_roles(run: Cli, engine: Engine) -> None:
    document: dict[str, Any] = {
        "version": 1,
        "services": {
            "support": {
                "friendly_name": "Support",
                "roles": {"agent": {"type": "conversation", "permissions": ["sendMessage"]}},
            },
            "other": {"friendly_name": "Other"},
        },
        "address_configurations": [{"type": "sms", "address": "+15017122661"}],
        "credentials": {"ios": {"type": "fcm", "secret": "x"}},
    }
    apply_ok(run, run.config(document))
    # Only roles are prunable; everything else dropped from the config must stay.
    pruned = {
        "version": 1,
        "services": {"support": {"friendly_name": "Support"}},
        "policy": {"prune": ["roles"]},
    }
    result = run("plan", run.config(pruned), "--format", "json")
    changes = json.loads(result.stdout)["changes"]
    assert [(c["action"], c["kind"], c["key"]) for c in changes] == [
        ("delete", "role", "support/agent")
    ]
    apply_ok(run, run.config(pruned))
    support = engine.service_sid("Support")
    assert {r.friendly_name for r in engine.v1.services(support).roles.list()} == {
        "channel admin",
        "channel user",
        "service admin",
        "service user",
    }
    assert engine.service_sid("Other")
    assert len(engine.v1.address_configurations.list()) == 1
    assert len(engine.v1.credentials.list()) == 1


def test_repoints_before_deleting_what_others_point_at(run: Cli, engine: Engine) -> None:
    roles = {
        "agent": {"type": "conversation", "permissions": ["sendMessage"]},
        "customer": {"type": "conversation", "permissions": ["sendMessage"]},
    }
    first: dict[str, Any] = {
        "version": 1,
        "account": {"configuration": {"default_service": "old"}},
        "services": {
            "old": {"friendly_name": "Old"},
            "support": {
                "friendly_name": "Support",
                "roles": roles,
                "configuration": {"default_conversation_role": "agent"},
            },
        },
    }
    apply_ok(run, run.config(first))
    second: dict[str, Any] = {
        "version": 1,
        "account": {"configuration": {"default_service": "support"}},
        "services": {
            "support": {
                "friendly_name": "Support",
                "roles": {"customer": roles["customer"]},
                "configuration": {"default_conversation_role": "customer"},
            }
        },
        "policy": {"prune": ["roles", "services"]},
    }
    path = run.config(second)
    apply_ok(run, path, "--allow-destroy")
    names = {s.friendly_name for s in engine.v1.services.list()}
    assert "Old" in names and "Support" in names, "the default when the plan began is never pruned"
    assert engine.v1.configuration().fetch().default_chat_service_sid == engine.service_sid(
        "Support"
    )
    apply_ok(run, path, "--allow-destroy")  # no longer the default: the next run prunes it
    names = {s.friendly_name for s in engine.v1.services.list()}
    assert "Old" not in names and "Support" in names
    assert run("plan", path, "--detailed-exitcode").exit_code == 0


# --- saved plans and secrets ----------------------------------------------------------------


def secret_config() -> dict[str, Any]:
    return {
        "version": 1,
        "credentials": {"android": {"type": "fcm", "secret": "${FCM_KEY}"}},
    }


def test_saved_plan_holds_no_secret_and_applies(
    run: Cli, emulator: EmulatorServer, tmp_path: Path
) -> None:
    path = run.config(secret_config())
    planfile = tmp_path / "plan.json"
    env = {"FCM_KEY": SECRET}
    result = run("plan", path, "--out", str(planfile), env=env)
    assert result.exit_code == 0, result.output
    assert SECRET not in planfile.read_text()
    applied = run("apply", "--plan", str(planfile), "--auto-approve", env=env)
    assert applied.exit_code == 0, applied.output
    assert credential_digests(emulator) == [{"secret": digest(SECRET)}]
    assert run("plan", path, "--detailed-exitcode", env=env).exit_code == 0


def test_stale_plan_is_refused(
    run: Cli, engine: Engine, emulator: EmulatorServer, tmp_path: Path
) -> None:
    path = run.config(SERVICE_ONLY)
    apply_ok(run, path)
    changed = run.config(
        {
            "version": 1,
            "services": {"support": {"friendly_name": "Support", "webhooks": {"method": "GET"}}},
        }
    )
    planfile = tmp_path / "plan.json"
    assert run("plan", changed, "--out", str(planfile)).exit_code == 0
    # Someone changes the account after the plan was made.
    sid = engine.service_sid("Support")
    engine.v1.services(sid).configuration.webhooks().update(method="GET")
    emulator.reset_stats()
    message = one_line_error(run("apply", "--plan", str(planfile), "--auto-approve"))
    assert "would not do what was reviewed" in message and "plan --out" in message
    assert writes(emulator.stats()) == 0


def test_plan_with_changed_config_is_refused(run: Cli, tmp_path: Path) -> None:
    directory = tmp_path / "cfg"
    directory.mkdir()
    config = directory / "conversations.yaml"
    config.write_text(json.dumps(SERVICE_ONLY))
    planfile = tmp_path / "plan.json"
    assert run("plan", str(config), "--out", str(planfile)).exit_code == 0
    config.write_text(json.dumps({"version": 1, "services": {"x": {}}}))
    message = one_line_error(run("apply", "--plan", str(planfile), "--auto-approve"))
    assert "configuration changed" in message


def test_secrets_are_redacted_in_every_output(
    run: Cli, emulator: EmulatorServer, tmp_path: Path
) -> None:
    path = run.config(secret_config())
    env = {"FCM_KEY": SECRET}
    outputs = [
        run("plan", path, "--format", fmt, env=env).output for fmt in ("text", "json", "markdown")
    ]
    outputs.append(run("apply", path, "--auto-approve", env=env).output)
    outputs += [
        run("plan", path, "--rotate-secrets", "--format", fmt, env=env).output
        for fmt in ("text", "json", "markdown")
    ]
    planfile = tmp_path / "rotate.json"
    outputs.append(run("plan", path, "--rotate-secrets", "--out", str(planfile), env=env).output)
    outputs.append(planfile.read_text())
    outputs.append(run("apply", "--plan", str(planfile), "--auto-approve", env=env).output)
    for output in outputs:
        assert SECRET not in output, output
    assert "(sensitive value)" in outputs[0]
    assert (tmp_path / "rotate.json").exists()
    assert credential_digests(emulator) == [{"secret": digest(SECRET)}]


def test_rotate_secrets_resends_them(run: Cli, emulator: EmulatorServer) -> None:
    path = run.config(secret_config())
    apply_ok(run, path, env={"FCM_KEY": "old-key"})
    # A new secret value cannot be seen in the account: plain plan/apply do not send it.
    env = {"FCM_KEY": "new-key"}
    assert run("plan", path, "--detailed-exitcode", env=env).exit_code == 0
    emulator.reset_stats()
    apply_ok(run, path, env=env)
    assert writes(emulator.stats()) == 0
    assert credential_digests(emulator) == [{"secret": digest("old-key")}]
    planned = run("plan", path, "--rotate-secrets", "--detailed-exitcode", env=env)
    assert planned.exit_code == 2
    apply_ok(run, path, "--rotate-secrets", env=env)
    assert writes(emulator.stats()) == 1
    assert credential_digests(emulator) == [{"secret": digest("new-key")}]


# --- errors ---------------------------------------------------------------------------------


def test_missing_dependency_is_a_clear_error(run: Cli, emulator: EmulatorServer) -> None:
    missing = "IS" + "f" * 32
    document = {
        "version": 1,
        "address_configurations": [
            {
                "type": "sms",
                "address": "+15017122661",
                "auto_creation": {
                    "enabled": True,
                    "type": "default",
                    "conversation_service": missing,
                },
            }
        ],
    }
    result = run("apply", run.config(document), "--auto-approve")
    message = one_line_error(result)
    assert missing in result.output or "not" in message
    assert len(emulator.snapshot()["addresses"]) == 0, "nothing half-created"


def test_missing_role_sid_is_a_clear_error(run: Cli) -> None:
    document = {
        "version": 1,
        "services": {"support": {"configuration": {"default_conversation_role": "RL" + "e" * 32}}},
    }
    result = run("apply", run.config(document), "--auto-approve")
    one_line_error(result)
    assert "RL" + "e" * 32 in result.output


def test_twin_services_bind_the_oldest_and_say_what_to_do(run: Cli, engine: Engine) -> None:
    made = [engine.v1.services.create(friendly_name="Support") for _ in range(2)]
    oldest, newer = sorted(made, key=lambda s: (s.date_created, s.sid))
    path = run.config(SERVICE_ONLY)
    result = run("plan", path, "--detailed-exitcode")
    assert result.exit_code == 0, result.output
    note = " ".join(result.output.split())
    assert f"managing the oldest, {oldest.sid}" in note and newer.sid in note
    assert "sid:" in note and "policy.prune" in note
    pruned = run.config({**SERVICE_ONLY, "policy": {"prune": ["services"]}})
    plan = json.loads(run("plan", pruned, "--format", "json").output)
    [delete] = plan["changes"]
    assert (delete["action"], delete["sid"]) == ("delete", newer.sid)
    assert "twin" in " ".join(delete["reasons"])
    pinned = run.config(
        {"version": 1, "services": {"support": {"friendly_name": "Support", "sid": newer.sid}}}
    )
    assert run("plan", pinned, "--detailed-exitcode").exit_code == 0


def test_twin_credentials_get_advice_that_validates(run: Cli, engine: Engine) -> None:
    """A credential cannot be pinned with `sid:` (validate refuses the key): the note must not
    suggest it."""
    made = [
        engine.v1.credentials.create(type="fcm", friendly_name="android", secret="s" * 20)
        for _ in range(2)
    ]
    oldest, newer = sorted(made, key=lambda c: (c.date_created, c.sid))
    path = run.config({"version": 1, "credentials": {"android": {"type": "fcm"}}})
    result = run("plan", path, "--detailed-exitcode")
    assert result.exit_code == 0, result.output
    note = " ".join(result.output.split())
    assert f"managing the oldest, {oldest.sid}; leaving {newer.sid} alone" in note
    assert "Add credentials to policy.prune to delete the newer twins" in note
    assert "sid:" not in note


@pytest.mark.parametrize(
    "text",
    [
        "version: 1\nservices: [",  # not YAML
        "version: 1\nservices:\n  a: {}\n  a: {}\n",  # duplicate key
        "version: 1\nservise: {}\n",  # unknown key
        "version: 1\nservices:\n  a: {roles: {r: {type: conversation, permissions: [fly]}}}\n"
        "policy: {strict: true}\n",  # an unknown permission under policy.strict
        "version: 2\n",
        "- a list\n",
        "",
        "version: 1\ncredentials: {c: {type: fcm, secret: ${UNSET_VARIABLE_FOR_TEST}}}\n",
    ],
)
@pytest.mark.parametrize("command", ["plan", "apply"])
def test_bad_config_is_one_error_without_traceback(run: Cli, command: str, text: str) -> None:
    path = run.config(text)
    one_line_error(
        run(command, path, "--auto-approve") if command == "apply" else run(command, path)
    )


def test_bad_invocations_are_errors_without_traceback(run: Cli, tmp_path: Path) -> None:
    path = run.config(SERVICE_ONLY)
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json")
    old = tmp_path / "old.json"
    old.write_text(json.dumps({"plan_file_version": 999}))
    cases = [
        run("plan", path, env={"TWILIO_ACCOUNT_SID": None}),
        run("plan", path, env={"TWILIO_ACCOUNT_SID": "not-a-sid"}),
        run("plan", path, env={"TWILIO_AUTH_TOKEN": "wrong"}),
        run("plan", path, "--endpoint", "not a url", endpoint=False),
        run("plan", path, "--endpoint", "http://127.0.0.1:9", endpoint=False),
        run("apply", "--plan", str(garbage), "--auto-approve"),
        run("apply", "--plan", str(old), "--auto-approve"),
        run("apply", "--plan", str(tmp_path / "missing.json"), "--auto-approve"),
    ]
    for result in cases:
        one_line_error(result)


def test_apply_without_auto_approve_off_a_terminal_changes_nothing(
    run: Cli, emulator: EmulatorServer
) -> None:
    result = run("apply", run.config(SERVICE_ONLY))
    assert "--auto-approve" in one_line_error(result)
    assert writes(emulator.stats()) == 0
