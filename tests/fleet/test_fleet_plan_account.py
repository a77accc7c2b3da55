"""A fleet target's plan file records its target and account, and applies only as that target:
applied on its own it uses the target's credentials from the targets file its folder's manifest
names, never the parent's; away from that folder, or edited to another account, it is refused
before anything is written. Through the CLI, the real SDK and the emulator's subaccounts."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from reconciler.emulator import defaults
from tests.fleet.conftest import FleetDir, assert_clean_exit, output, tenants
from tests.fleet.test_fleet_cli import hook_of

NAMES = ("tenant-001", "tenant-002", "tenant-003")


def planned(fleet: FleetDir) -> Path:
    fleet.write(tenants(*NAMES))
    plans = fleet.root / "plans"
    assert_clean_exit(fleet.run("plan", "--all", "--out", str(plans)), 0)
    return plans


def writes(fleet: FleetDir) -> int:
    by_method = fleet.emulator.stats()["by_method"]
    return int(by_method.get("POST", 0)) + int(by_method.get("DELETE", 0))


def services(fleet: FleetDir, account_sid: str | None = None) -> list[str]:
    """The service names of an account (the parent's by default), from the emulator's state."""
    return [s["friendly_name"] for s in fleet.emulator.snapshot(account_sid)["services"]]


def parent_services(fleet: FleetDir) -> list[str]:
    return services(fleet)


def test_each_plan_file_records_its_target_and_account_and_show_names_them(
    fleet: FleetDir,
) -> None:
    plans = planned(fleet)
    sub = fleet.subaccount("tenant-002")
    document = json.loads((plans / "tenant-002.plan.json").read_text())
    assert document["account"] == {"sid": sub["sid"], "target": "tenant-002"}

    shown = fleet.run("show", str(plans / "tenant-002.plan.json"), endpoint=False)
    assert_clean_exit(shown, 0)
    assert shown.stdout.startswith(f"Account: {sub['sid']} (fleet target tenant-002)\n")
    as_json = fleet.run(
        "show", str(plans / "tenant-002.plan.json"), "--format", "json", endpoint=False
    )
    assert_clean_exit(as_json, 0)
    shown_document = json.loads(as_json.stdout)
    assert (shown_document["account_sid"], shown_document["target"]) == (sub["sid"], "tenant-002")
    markdown = fleet.run(
        "show", str(plans / "tenant-002.plan.json"), "--format", "markdown", endpoint=False
    )
    assert f"Account: <code>{sub['sid']}</code> (fleet target <code>tenant-002</code>)" in (
        markdown.stdout
    )


def test_a_target_plan_file_applied_alone_uses_that_targets_credentials(fleet: FleetDir) -> None:
    """The parent's credentials are in the environment, as in any fleet job: the plan is still
    applied to tenant-002's account, with its variables, and nothing else is touched."""
    plans = planned(fleet)
    applied = fleet.run("apply", "--plan", str(plans / "tenant-002.plan.json"))
    assert_clean_exit(applied, 0)
    assert "Fleet apply: 1 target" in applied.stdout and "1 applied" in applied.stdout
    assert (
        hook_of(fleet.emulator, fleet.subaccount("tenant-002"))
        == "https://hooks.example.com/tenant-002"
    )
    for name in ("tenant-001", "tenant-003"):
        assert "Support" not in services(fleet, fleet.subaccount(name)["sid"])
    assert services(fleet) == ["Default Conversations Service"]
    # The other targets' plans in the folder still apply as reviewed.
    assert_clean_exit(fleet.run("apply", "--plan", str(plans / "tenant-001.plan.json")), 0)


def test_a_target_plan_file_away_from_its_folder_is_refused(
    fleet: FleetDir, tmp_path: Path
) -> None:
    plans = planned(fleet)
    lone = tmp_path / "elsewhere" / "tenant-002.plan.json"
    lone.parent.mkdir()
    shutil.copy(plans / "tenant-002.plan.json", lone)
    renamed = plans / "copy.plan.json"
    shutil.copy(plans / "tenant-002.plan.json", renamed)
    fleet.emulator.reset_stats()
    for path, why in ((lone, "holds no fleet-plan.json"), (renamed, "does not name this file")):
        refused = fleet.run("apply", "--plan", str(path))
        assert_clean_exit(refused, 1)
        text = output(refused)
        assert "the saved plan of fleet target tenant-002" in text and why in text
        assert "reconciler apply --plan DIR" in text
    assert writes(fleet) == 0
    assert services(fleet) == ["Default Conversations Service"]


def test_a_target_plan_edited_to_another_account_is_refused_naming_both(fleet: FleetDir) -> None:
    """As if the subaccount had been closed and made again since the review: the plan names
    an account the target's credentials no longer reach."""
    plans = planned(fleet)
    path = plans / "tenant-002.plan.json"
    document = json.loads(path.read_text())
    document["account"]["sid"] = defaults.ACCOUNT_SID
    path.write_text(json.dumps(document))
    fleet.emulator.reset_stats()
    for given in (path, plans):
        refused = fleet.run("apply", "--plan", str(given))
        assert_clean_exit(refused, 1)
        text = " ".join(output(refused).split())
        sub = fleet.subaccount("tenant-002")
        assert f"planned against account {defaults.ACCOUNT_SID}" in text
        assert f"the target's credentials are for account {sub['sid']}" in text
        assert "Support" not in services(fleet, sub["sid"])
    assert services(fleet) == ["Default Conversations Service"]


def test_a_plan_file_swapped_for_another_targets_is_refused(fleet: FleetDir) -> None:
    plans = planned(fleet)
    shutil.copy(plans / "tenant-002.plan.json", plans / "tenant-001.plan.json")
    fleet.emulator.reset_stats()
    refused = fleet.run("apply", "--plan", str(plans))
    assert_clean_exit(refused, 1)
    assert "saved for fleet target tenant-002, not for target tenant-001" in output(refused)
    assert writes(fleet) == 0
