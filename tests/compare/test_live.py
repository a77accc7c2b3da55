"""`reconciler diff PATH --live`: a configuration against an account, through the CLI and the
real twilio SDK against the emulator."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reconciler.emulator import defaults
from tests.engine.conftest import Cli, Engine, apply_ok, one_line_error

SECRET = "live-diff-secret-value-0123456789"
OTHER_ACCOUNT = "AC" + "f" * 32
SUPPORT: dict[str, Any] = {
    "version": 1,
    "services": {
        "support": {
            "friendly_name": "Support",
            "roles": {
                "agent": {"type": "conversation", "permissions": ["sendMessage"]},
                "lead": {
                    "type": "conversation",
                    "permissions": ["sendMessage", "leaveConversation"],
                },
            },
            "configuration": {"default_conversation_role": "agent"},
            "webhooks": {"method": "POST", "post_webhook_url": "https://hooks.example.com/a"},
        }
    },
    "credentials": {"android": {"type": "fcm", "secret": "${DIFF_SECRET_T}"}},
    "policy": {"prune": ["roles"]},
}
ENV = {"DIFF_SECRET_T": SECRET}


def changes_of(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(change["kind"], change["key"]): change for change in document["changes"]}


def drift(engine: Engine) -> None:
    """What happens to an account behind the configuration's back."""
    sid = engine.service_sid("Support")
    service = engine.v1.services(sid)
    service.configuration.webhooks().update(post_webhook_url="https://tunnel.example.com/x")
    service.configuration().update(default_conversation_role_sid=engine.role(sid, "lead").sid)
    engine.role(sid, "agent").delete()
    service.roles.create(friendly_name="intruder", type="service", permission=["joinConversation"])


def test_a_converged_account_does_not_differ(run: Cli) -> None:
    config = run.config(SUPPORT)
    apply_ok(run, config, env=ENV)
    for output_format in ("text", "json", "markdown"):
        result = run("diff", config, "--live", "--format", output_format, "--detailed-exitcode")
        assert result.exit_code == 0, result.output + result.stderr
        assert SECRET not in result.output
    text = run("diff", config, "--live").stdout
    assert f"+++ B: live account {defaults.ACCOUNT_SID}" in text
    assert "No differences" in text
    assert "credential android secret" in text  # not compared, and said so


def test_drift_shows_field_by_field_with_live_sids_and_names_for_references(
    run: Cli, engine: Engine
) -> None:
    config = run.config(SUPPORT)
    apply_ok(run, config, env=ENV)
    drift(engine)
    sid = engine.service_sid("Support")
    intruder = engine.role(sid, "intruder").sid

    result = run("diff", config, "--live", "--detailed-exitcode", env=ENV)
    assert result.exit_code == 2, result.output + result.stderr
    text = result.stdout
    assert (
        '~ post_webhook_url: "https://hooks.example.com/a" -> "https://tunnel.example.com/x"'
        in text
    )
    assert '~ default_conversation_role: "agent" -> "lead"' in text
    assert "- role support/agent only in A" in text
    assert "+ role support/intruder only in B" in text
    assert "A and B differ: 1 only in A, 1 only in B, 2 in both" in text

    document = json.loads(run("diff", config, "--live", "--format", "json").stdout)
    assert document["b"] == {
        "name": "B",
        "source": "live",
        "paths": [],
        "account_sid": defaults.ACCOUNT_SID,
    }
    changes = changes_of(document)
    added = changes["role", "support/intruder"]
    assert added["action"] == "create" and added["sid"] == intruder
    assert added["after"] == {"type": "service", "permissions": ["joinConversation"]}
    settings = changes["service_configuration", "support"]
    assert settings["before"] == {"default_conversation_role": "agent"}
    assert settings["after"] == {"default_conversation_role": "lead"}
    assert changes["role", "support/agent"]["sid"] is None

    # The other way round: the account is A, the configuration B, as a plan reads it.
    reverse = json.loads(run("diff", "--live", "--b", config, "--format", "json", env=ENV).stdout)
    assert reverse["a"]["source"] == "live" and reverse["b"]["paths"] == [config]
    backwards = changes_of(reverse)
    assert backwards["role", "support/intruder"]["action"] == "delete"
    assert backwards["role", "support/agent"]["action"] == "create"
    assert backwards["service_configuration", "support"]["after"] == {
        "default_conversation_role": "agent"
    }

    markdown = run("diff", config, "--live", "--format", "markdown").stdout
    assert "| 1 | 1 | 2 |" in markdown and "intruder" in markdown


def test_another_account_is_compared_not_refused(run: Cli, engine: Engine) -> None:
    """The pin says the configuration belongs to another account: diff reads, never refuses,
    and matches services pinned by SID by name there."""
    config = run.config(SUPPORT)
    apply_ok(run, config, env=ENV)
    pinned = json.loads(json.dumps(SUPPORT))
    pinned["account"] = {"sid": OTHER_ACCOUNT}
    pinned["services"]["support"]["sid"] = "IS" + "0" * 32
    elsewhere = run.config(pinned)
    assert "refusing" in one_line_error(run("plan", elsewhere, env=ENV))
    engine.emulator.reset_stats()
    result = run("diff", elsewhere, "--live", "--detailed-exitcode")
    assert result.exit_code == 0, result.output + result.stderr
    assert "matched by name" in result.stdout and OTHER_ACCOUNT in result.stdout
    by_method = engine.emulator.stats()["by_method"]
    assert by_method.get("POST", 0) == 0 and by_method.get("DELETE", 0) == 0


def test_what_the_account_lacks_is_only_in_the_configuration(run: Cli) -> None:
    """An empty account: every resource the configuration manages is only in A."""
    result = run("diff", run.config(SUPPORT), "--live", "--format", "json", env=ENV)
    assert result.exit_code == 0, result.output + result.stderr
    document = json.loads(result.stdout)
    assert {change["action"] for change in document["changes"]} == {"delete"}
    android = changes_of(document)["credential", "android"]
    assert android["before"] == {"type": "fcm", "secret": "(sensitive value)"}
    assert android["before_sensitive"] == {"secret": True}
    assert SECRET not in result.output


def test_local_reaches_the_embedded_emulator(
    run: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    config = run.config({"version": 1, "services": {"support": {"friendly_name": "Support"}}})
    result = run("diff", config, "--live", "--local", endpoint=False)
    assert result.exit_code == 0, result.output + result.stderr
    assert "- service support only in A" in result.stdout


def test_unreachable_account_is_one_error(run: Cli) -> None:
    config = run.config(SUPPORT)
    result = run(
        "diff", config, "--live", env={**ENV, "TWILIO_AUTH_TOKEN": "wrong-token-0123456789"}
    )
    message = one_line_error(result)
    assert "wrong-token-0123456789" not in message
