"""The export command's edges (errors, --local, --out) and the read path under faults."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from twilio.rest import Client

from reconciler.emulator import defaults
from reconciler.emulator.server import EmulatorServer
from reconciler.export import export_account
from reconciler.export.build import slug, variable_name
from reconciler.live.api import LiveApi
from reconciler.live.retry import RetryPolicy
from tests.export.conftest import Cli, build_rich_account

NO_CREDENTIALS: dict[str, str | None] = {
    "TWILIO_ACCOUNT_SID": None,
    "TWILIO_AUTH_TOKEN": None,
    "TWILIO_API_KEY": None,
    "TWILIO_API_SECRET": None,
}


def one_line_error(output: str) -> str:
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    assert "Traceback" not in output
    return lines[0]


def test_missing_credentials_is_one_line_and_exit_1(run: Cli) -> None:
    result = run("export", env=NO_CREDENTIALS)
    assert result.exit_code == 1
    assert one_line_error(result.stderr).startswith("Error: no Twilio credentials")
    assert result.stdout == ""


def test_wrong_token_is_one_line_and_exit_1(run: Cli) -> None:
    result = run("export", env={"TWILIO_AUTH_TOKEN": "wrong"})
    assert result.exit_code == 1
    assert "Twilio refused the credentials (error 20003, HTTP 401)" in one_line_error(result.stderr)


def test_unwritable_out_is_one_line_and_exit_1(run: Cli, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = run("export", "--out", str(blocker / "exported.yaml"))
    assert result.exit_code == 1
    assert one_line_error(result.stderr).startswith(f"Error: cannot write {blocker}")


def test_api_key_credentials_work(run: Cli) -> None:
    from reconciler.emulator import defaults

    env = {
        "TWILIO_AUTH_TOKEN": None,
        "TWILIO_API_KEY": defaults.API_KEY_SID,
        "TWILIO_API_SECRET": defaults.API_KEY_SECRET,
    }
    result = run("export", env=env)
    assert result.exit_code == 0, result.output
    assert "default-conversations-service:" in result.stdout


def test_local_exports_the_embedded_emulator(
    run: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    local: dict[str, str | None] = {**NO_CREDENTIALS, "RECONCILER_ENDPOINT": None}
    result = run("export", "--local", "--out", "local.yaml", env=local)
    assert result.exit_code == 0, result.output
    text = (tmp_path / "local.yaml").read_text(encoding="utf-8")
    assert "default_service: default-conversations-service" in text
    plan = run("plan", "local.yaml", "--local", "--detailed-exitcode", env=local)
    assert plan.exit_code == 0, plan.output


def test_reads_take_two_waves_of_list_calls(emulator: EmulatorServer, sdk_client: Client) -> None:
    """One GET per kind per service plus the account lists: never one GET per role or item."""
    build_rich_account(sdk_client)
    services = len(sdk_client.conversations.v1.services.list())
    emulator.reset_stats()
    export_account(LiveApi(sdk_client))
    stats = emulator.stats()
    assert stats["by_method"].get("POST", 0) == stats["by_method"].get("DELETE", 0) == 0
    assert stats["requests"] == 5 + 4 * services


def test_export_is_the_same_when_the_api_fails_and_is_retried(
    emulator: EmulatorServer, sdk_client: Client
) -> None:
    build_rich_account(sdk_client)
    clean = export_account(LiveApi(sdk_client))
    emulator.configure_faults(fault_rate=0.3, seed=7, retry_after_seconds=0)
    fast = RetryPolicy(attempts=12, base_delay=0.001, max_delay=0.01, budget_seconds=10)
    assert export_account(LiveApi(sdk_client, policy=fast)) == clean


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Customer Support", "customer-support"),
        ("Support: Tier 1 / ünïcode ✓", "support-tier-1-unicode"),
        ("サポート", "サポート"),
        ("✓✓✓", "service"),
        ("null", "null"),
    ],
)
def test_service_keys_are_readable_slugs(name: str, key: str) -> None:
    assert slug(name) == key


def test_secret_variables_are_valid_names() -> None:
    assert variable_name("ios push: prod", "certificate") == "IOS_PUSH_PROD_CERTIFICATE"
    assert variable_name("1st", "secret") == "SECRET_1ST_SECRET"
    assert variable_name("サポート", "secret") == "SECRET"


def test_the_export_pins_the_account_it_came_from(run: Cli) -> None:
    exported = run.export()
    data = yaml.safe_load(exported.read_text(encoding="utf-8"))
    assert data["account"]["sid"] == defaults.ACCOUNT_SID
    assert run("plan", str(exported), "--detailed-exitcode").exit_code == 0
    other = "AC" + "7" * 32
    refused = run("plan", str(exported), env={"TWILIO_ACCOUNT_SID": other})
    assert refused.exit_code == 1 and other in refused.output + (refused.stderr or "")
