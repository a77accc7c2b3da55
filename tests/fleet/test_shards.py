"""A fleet split across CI jobs: `--shard K/N` per job, JSON reports merged into one."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.fleet.conftest import FleetDir, assert_clean_exit, tenants

REPO = Path(__file__).resolve().parents[2]


def merge(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reconciler.fleet.merge", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )


def test_shards_cover_the_fleet_once_and_their_reports_merge(fleet: FleetDir) -> None:
    fleet.write(tenants("tenant-001", "tenant-002", "tenant-003"))
    assert_clean_exit(fleet.run("apply", "--target", "tenant-002", "--auto-approve"), 0)
    reports = []
    for shard, code in (("1/2", 2), ("2/2", 0)):
        report = fleet.root / f"plan-{shard.replace('/', '-of-')}.json"
        result = fleet.run(
            "plan", "--all", "--shard", shard, "--report", str(report), "--detailed-exitcode"
        )
        assert_clean_exit(result, code)
        assert f"Fleet plan (shard {shard})" in result.stdout
        reports.append(report)
    shard_names = [[t["name"] for t in json.loads(r.read_text())["targets"]] for r in reports]
    assert shard_names == [["tenant-001", "tenant-003"], ["tenant-002"]]

    merged = merge(*map(str, reports))
    assert merged.returncode == 0, merged.stderr
    data = json.loads(merged.stdout)
    assert [t["name"] for t in data["targets"]] == ["tenant-001", "tenant-003", "tenant-002"]
    assert data["summary"]["targets"] == 3 and data["summary"]["changes"] == 2
    assert data["summary"]["create"] == 4, "two services and two roles"

    markdown = merge("--format", "markdown", *map(str, reports))
    assert markdown.stdout.startswith("### reconciler fleet plan\n")
    assert "<summary><code>tenant-002</code>: unchanged</summary>" in markdown.stdout
    assert "#### `tenant-003`" in markdown.stdout
    assert merge("--detailed-exitcode", *map(str, reports)).returncode == 2

    twice = merge(str(reports[0]), str(reports[0]))
    assert twice.returncode == 1
    assert "target tenant-001 is in" in twice.stderr and "Traceback" not in twice.stderr
    (fleet.root / "junk.json").write_text("{}")
    junk = merge(str(fleet.root / "junk.json"))
    assert junk.returncode == 1 and "not a fleet report" in junk.stderr


def test_a_failed_target_in_any_shard_fails_the_merged_report(fleet: FleetDir) -> None:
    ghost = {
        "name": "ghost",
        "subaccount": "nobody",
        "variables": {"HOOK_URL": "https://h.example"},
    }
    fleet.write([*tenants("tenant-001"), ghost])
    reports = []
    for shard in ("1/2", "2/2"):
        report = fleet.root / f"{shard[0]}.json"
        fleet.run("plan", "--all", "--shard", shard, "--report", str(report))
        reports.append(str(report))
    merged = merge("--format", "text", *reports)
    assert merged.returncode == 1
    assert "ghost: no subaccount 'nobody'" in merged.stdout


def test_a_usage_error_exits_1_not_the_2_that_means_drift(tmp_path: Path) -> None:
    report = tmp_path / "plan-1.json"
    report.write_text("{}")
    for args in (
        ["--detailed-exitcode"],  # no report at all
        ["--detailed-exitcode", "--no-such-option", str(report)],
        ["--detailed-exitcode", "--format", "yaml", str(report)],
    ):
        result = merge(*args)
        assert result.returncode == 1, (args, result.stderr)
        assert result.stdout == ""
        assert result.stderr.count("\n") == 1, result.stderr
        assert result.stderr.startswith("Error: ") and "--help" in result.stderr
    assert merge("--help").returncode == 0
