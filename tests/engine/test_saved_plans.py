"""A saved plan is the approval: `apply --plan` runs exactly what was reviewed, or nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reconciler.emulator import defaults
from reconciler.emulator.server import EmulatorServer
from tests.engine.conftest import Cli, Engine, apply_ok, one_line_error, write_yaml, writes

WEBHOOKS_GET = {
    "version": 1,
    "services": {"support": {"friendly_name": "Support", "webhooks": {"method": "GET"}}},
}
SECRET = "saved-plan-secret-value-0123456789"


def saved_plan(run: Cli, config: str, planfile: Path, env: dict[str, str] | None = None) -> None:
    result = run("plan", config, "--out", str(planfile), env=env)
    assert result.exit_code == 0, result.output + result.stderr


def test_an_edited_plan_file_applies_nothing(
    run: Cli, emulator: EmulatorServer, tmp_path: Path
) -> None:
    apply_ok(run, run.config({"version": 1, "services": {"support": {"friendly_name": "Support"}}}))
    planfile = tmp_path / "plan.json"
    saved_plan(run, run.config(WEBHOOKS_GET), planfile)
    document = json.loads(planfile.read_text())
    assert "send" not in json.dumps(document), "a plan file holds nothing to send"
    document["plan"]["changes"][0]["fields"][0]["after"] = "POST"
    planfile.write_text(json.dumps(document))
    emulator.reset_stats()
    message = one_line_error(run("apply", "--plan", str(planfile)))
    assert "plan.changes[0].fields[0].after" in message and '"POST"' in message
    assert writes(emulator.stats()) == 0


def test_a_saved_plan_is_the_approval_and_works_from_any_directory(
    run: Cli, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    write_yaml(project / "envs", dict(WEBHOOKS_GET), "conversations.yaml")
    monkeypatch.chdir(project)
    saved_plan(run, "envs", project / "plan.json")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    # No --auto-approve and no terminal: the saved plan is the approval.
    result = run("apply", "--plan", str(project / "plan.json"))
    assert result.exit_code == 0, result.output + result.stderr
    assert "Apply complete" in result.output
    sid = engine.service_sid("Support")
    assert engine.v1.services(sid).configuration.webhooks().fetch().method == "GET"


def test_an_unmanaged_change_since_the_plan_does_not_block_it(
    run: Cli, engine: Engine, tmp_path: Path
) -> None:
    apply_ok(run, run.config({"version": 1, "services": {"support": {"friendly_name": "Support"}}}))
    planfile = tmp_path / "plan.json"
    saved_plan(run, run.config(WEBHOOKS_GET), planfile)
    sid = engine.service_sid("Support")
    engine.v1.services(sid).configuration.webhooks().update(post_webhook_url="https://x.example/")
    result = run("apply", "--plan", str(planfile))
    assert result.exit_code == 0, result.output + result.stderr


def test_a_secret_changed_since_the_plan_is_refused(run: Cli, tmp_path: Path) -> None:
    config = run.config(
        {"version": 1, "credentials": {"android": {"type": "fcm", "secret": "${FCM_KEY_T}"}}}
    )
    planfile = tmp_path / "plan.json"
    saved_plan(run, config, planfile, env={"FCM_KEY_T": SECRET})
    assert SECRET not in planfile.read_text()
    message = one_line_error(
        run("apply", "--plan", str(planfile), env={"FCM_KEY_T": SECRET + "-rotated"})
    )
    assert "secret value in the configuration changed" in message


@pytest.mark.parametrize("output_format", ["text", "json", "markdown"])
def test_show_renders_a_saved_plan_offline(run: Cli, tmp_path: Path, output_format: str) -> None:
    planfile = tmp_path / "plan.json"
    saved_plan(run, run.config(WEBHOOKS_GET), planfile)
    result = run(
        "show",
        str(planfile),
        "--format",
        output_format,
        endpoint=False,
        env={"TWILIO_ACCOUNT_SID": None, "TWILIO_AUTH_TOKEN": None},
    )
    assert result.exit_code == 0, result.output + result.stderr
    assert "support" in result.output
    if output_format == "json":
        document = json.loads(result.output)
        assert document["summary"]["create"] == 1
        assert document["account_sid"] == defaults.ACCOUNT_SID and "target" not in document
    elif output_format == "markdown":
        assert f"Account: <code>{defaults.ACCOUNT_SID}</code>" in result.output
    else:  # the account the plan was made against, the only one it applies to
        assert result.output.startswith(f"Account: {defaults.ACCOUNT_SID}\n")


def test_show_refuses_what_is_not_a_plan_file(run: Cli, tmp_path: Path) -> None:
    bogus = tmp_path / "plan.json"
    bogus.write_text("not json")
    assert "not a plan file" in one_line_error(run("show", str(bogus), endpoint=False))
    assert "not found" in one_line_error(run("show", str(tmp_path / "nope.json"), endpoint=False))


@pytest.mark.parametrize(
    ("where", "hostile"),
    [
        ("kind", "</code></summary><img src=x onerror=alert(1)>"),
        ("field", "\x1b]8;;https://evil.example\x07click\x1b]8;;\x07"),
        ("flag", "--allow-destroy</code><!--"),
    ],
)
def test_show_refuses_a_plan_file_edited_to_carry_markup(
    run: Cli, tmp_path: Path, where: str, hostile: str
) -> None:
    """Kinds, field names and flags are printed as they are (they are this tool's own words),
    so a hand-edited file carrying markup or terminal escapes in them is refused, not shown."""
    planfile = tmp_path / "plan.json"
    saved_plan(run, run.config(WEBHOOKS_GET), planfile)
    document = json.loads(planfile.read_text())
    change = document["plan"]["changes"][0]
    if where == "kind":
        change["kind"] = hostile
    elif where == "field":
        change["fields"][0]["name"] = hostile
    else:
        document["plan"]["guards"] = [{"message": "m", "flag": hostile}]
    planfile.write_text(json.dumps(document))
    for output_format in ("text", "markdown"):
        result = run("show", str(planfile), "--format", output_format, endpoint=False)
        assert "damaged or was edited by hand" in one_line_error(result)
        assert hostile not in result.output + result.stderr
