"""The team's policy is checked again by plan and apply, before any API call."""

from __future__ import annotations

from tests.engine.conftest import Cli, one_line_error

TUNNEL = "https://abc123.ngrok.io/hooks"


def config(development_hosts: str) -> dict[str, object]:
    return {
        "version": 1,
        "services": {"support": {"webhooks": {"method": "POST", "post_webhook_url": TUNNEL}}},
        "policy": {"webhooks": {"development_hosts": development_hosts}},
    }


def test_a_policy_error_stops_plan_and_apply_before_any_request(run: Cli) -> None:
    path = run.config(config("error"))
    before = run.emulator.stats()["requests"]
    for command in (["plan", path], ["apply", path, "--auto-approve"]):
        message = one_line_error(run(*command))
        assert f"{path}:" in message and "ngrok.io" in message
    assert run.emulator.stats()["requests"] == before


def test_plan_format_github_annotates_findings_and_changes(run: Cli) -> None:
    path = run.config(config("warn"))
    result = run("plan", path, "--format", "github")
    assert result.exit_code == 0, result.output + result.stderr
    assert "::warning file=" in result.output and "ngrok.io" in result.output
    assert "::notice file=" in result.output  # one per change, on the line that causes it
