"""examples/fleet works as docs/fleet.md says: one base, three tenant subaccounts, clean after
one apply, each tenant with its own values."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from reconciler.cli.main import cli
from reconciler.emulator.server import EmulatorServer
from tests.fleet.conftest import PARENT_ENV, assert_clean_exit

TARGETS = (
    Path(__file__).resolve().parents[2] / "examples" / "fleet" / "reconciler-targets.yaml.example"
)


def test_the_fleet_example_applies_once_and_then_plans_clean(emulator: EmulatorServer) -> None:
    def run(*args: str) -> Result:
        return CliRunner().invoke(
            cli,
            [*args, "--targets", str(TARGETS)],
            env={**PARENT_ENV, "RECONCILER_ENDPOINT": emulator.url, "RECONCILER_TARGETS": None},
        )

    assert_clean_exit(run("validate", "--all"), 0)
    assert_clean_exit(run("apply", "--all", "--auto-approve"), 0)
    assert_clean_exit(run("plan", "--all", "--detailed-exitcode"), 0)
    by_name = {sub["friendly_name"]: sub["sid"] for sub in emulator.subaccounts()}
    two = emulator.snapshot(by_name["tenant-002"])
    assert two["configuration"]["default_inactive_timer"] == "PT30M"
    assert [a["address"] for a in two["addresses"]] == ["+15550100002"]
    one = emulator.snapshot(by_name["tenant-001"])
    assert one["configuration"]["default_inactive_timer"] == "PT1H"
    support = next(s["sid"] for s in one["services"] if s["friendly_name"] == "Customer Support")
    webhooks = one["service_webhooks"][support]
    assert webhooks["post_webhook_url"] == "https://hooks.example.com/tenants/tenant-001/events"
