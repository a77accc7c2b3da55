"""A fleet's saved plans: `plan --all --out DIR` then `apply --plan DIR` applies exactly the
reviewed plans, target by target, through the CLI, the real SDK and the emulator."""

from __future__ import annotations

import json

from reconciler.emulator import defaults
from reconciler.fleet.planfiles import MANIFEST
from tests.fleet.conftest import FleetDir, assert_clean_exit, output, tenants
from tests.fleet.test_fleet_cli import hook_of

NAMES = ("tenant-001", "tenant-002", "tenant-003")


def test_apply_plan_dir_applies_the_reviewed_plans_without_asking(fleet: FleetDir) -> None:
    fleet.write(tenants(*NAMES))
    plans = fleet.root / "plans"
    planned = fleet.run("plan", "--all", "--out", str(plans), "--detailed-exitcode")
    assert_clean_exit(planned, 2)
    assert f"Saved the plans of 3 target(s) to {plans}" in output(planned)
    assert sorted(path.name for path in plans.iterdir()) == [
        MANIFEST,
        *(f"{name}.plan.json" for name in NAMES),
    ]
    manifest = json.loads((plans / MANIFEST).read_text())
    assert manifest["targets"] == list(NAMES)
    written = "".join(path.read_text() for path in plans.iterdir())
    for secret in [defaults.AUTH_TOKEN, *(s["auth_token"] for s in fleet.emulator.subaccounts())]:
        assert secret not in written
    shown = fleet.run("show", str(plans / "tenant-002.plan.json"), endpoint=False)
    assert_clean_exit(shown, 0)
    assert "https://hooks.example.com/tenant-002" in shown.stdout
    whole = fleet.run("show", str(plans), endpoint=False)  # the folder: every target's plan
    assert_clean_exit(whole, 0)
    tenant_003 = fleet.subaccount("tenant-003")["sid"]
    assert f"=== tenant-003 ({tenant_003}) ===" in whole.stdout  # the account each plan is for
    assert "3 with changes" in whole.stdout
    document = json.loads(fleet.run("show", str(plans), "--format", "json", endpoint=False).stdout)
    assert [target["name"] for target in document["targets"]] == list(NAMES)

    # No --auto-approve and no terminal: the saved plans are the approval.
    applied = fleet.run("apply", "--plan", str(plans))
    assert_clean_exit(applied, 0)
    assert "Fleet apply: 3 targets" in applied.stdout and "3 applied" in applied.stdout
    for name in NAMES:
        assert (
            hook_of(fleet.emulator, fleet.subaccount(name)) == f"https://hooks.example.com/{name}"
        )
    assert_clean_exit(fleet.run("plan", "--all", "--detailed-exitcode"), 0)


def test_a_target_whose_plan_changed_fails_and_the_others_apply(fleet: FleetDir) -> None:
    fleet.write(tenants(*NAMES))
    plans = fleet.root / "plans"
    assert_clean_exit(fleet.run("plan", "--all", "--out", str(plans)), 0)
    # Someone creates tenant-002's service by hand after the review.
    sub = fleet.subaccount("tenant-002")
    with fleet.client_of("tenant-002") as client:
        client.conversations.v1.services.create(friendly_name="Support")

    applied = fleet.run("apply", "--plan", str(plans))
    assert_clean_exit(applied, 1)
    text = output(applied)
    assert f"=== tenant-002 ({sub['sid']}): FAILED ===" in text
    assert "applying now would not do what was reviewed" in text
    assert "2 applied" in text
    for name in ("tenant-001", "tenant-003"):
        assert (
            hook_of(fleet.emulator, fleet.subaccount(name)) == f"https://hooks.example.com/{name}"
        )


def test_saved_plans_are_refused_when_the_targets_file_changed(fleet: FleetDir) -> None:
    fleet.write(tenants(*NAMES))
    plans = fleet.root / "plans"
    assert_clean_exit(fleet.run("plan", "--all", "--out", str(plans)), 0)
    fleet.write(tenants(*NAMES, **{"tenant-001": {"HOOK_URL": "https://evil.example.com/"}}))
    fleet.emulator.reset_stats()
    refused = fleet.run("apply", "--plan", str(plans))
    assert_clean_exit(refused, 1)
    assert "changed since these plans were made" in output(refused)
    assert fleet.emulator.stats()["by_method"].get("POST", 0) == 0


def test_saved_plans_bring_their_own_targets_and_options(fleet: FleetDir) -> None:
    fleet.write(tenants(*NAMES))
    plans = fleet.root / "plans"
    assert_clean_exit(fleet.run("plan", "--target", "tenant-00[12]", "--out", str(plans)), 0)
    for extra in (["--all"], ["--target", "tenant-003"], ["--only", "services"]):
        refused = fleet.run("apply", "--plan", str(plans), *extra)
        assert_clean_exit(refused, 1)
        assert "comes from the saved plans" in output(refused)
    (fleet.root / "one.plan.json").write_text("{}")
    refused = fleet.run("apply", "--plan", str(fleet.root / "one.plan.json"), "--all")
    assert_clean_exit(refused, 1)
    assert "--plan takes the folder" in output(refused)
    applied = fleet.run("apply", "--plan", str(plans))
    assert_clean_exit(applied, 0)
    assert "Fleet apply: 2 targets" in applied.stdout  # only those planned


def test_a_plan_folder_is_not_a_plan_file(fleet: FleetDir) -> None:
    fleet.write(tenants(*NAMES))
    refused = fleet.run("plan", str(fleet.root / "base"), "--out", str(fleet.root))
    assert_clean_exit(refused, 1)
    assert "a folder; give the plan file's name" in output(refused)
    empty = fleet.root / "empty"
    empty.mkdir()
    refused = fleet.run("apply", "--plan", str(empty))
    assert_clean_exit(refused, 1)
    assert "not a folder of fleet plans" in output(refused)
