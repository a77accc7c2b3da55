"""A fleet's text report stays readable over a thousand targets: the unchanged ones are named
in ranges and counted, not listed one by one on one line; the JSON report keeps every name."""

from __future__ import annotations

import json

from reconciler import output
from reconciler.api import FleetResult
from reconciler.fleet.report import CHANGES, FAILED, NO_CHANGES, FleetReport, TargetResult
from reconciler.output.words import compact_names

NAMES = [f"tenant-{number:03}" for number in range(1, 1001)]


def a_fleet_of_a_thousand() -> FleetResult:
    """998 unchanged targets, one with changes, one failed: a fleet plan's outcomes."""
    results = [TargetResult(name, NO_CHANGES) for name in NAMES[:998]]
    results.append(TargetResult(NAMES[998], CHANGES))
    results.append(TargetResult(NAMES[999], FAILED, error="bad credentials"))
    return FleetResult(FleetReport("plan", results, targets_file="targets.yaml"))


def test_the_text_report_of_a_thousand_targets_names_them_in_ranges() -> None:
    shown = output.renderer("text").render(a_fleet_of_a_thousand()).stdout
    unchanged = next(line for line in shown.splitlines() if line.startswith("  unchanged:"))
    assert unchanged == "  unchanged: tenant-001..tenant-998 (998)"
    assert "  with changes: tenant-999" in shown.splitlines()
    assert "    tenant-1000: bad credentials" in shown.splitlines()
    assert max(len(line) for line in shown.splitlines()) < 120


def test_the_json_report_keeps_every_name() -> None:
    document = json.loads(output.renderer("json").render(a_fleet_of_a_thousand()).stdout)
    assert [target["name"] for target in document["targets"]] == NAMES


def test_names_without_numbers_are_counted_past_a_few() -> None:
    names = [f"shop-{word}" for word in "abcdefghijklmnopqrstuvwxyz"]
    assert compact_names(names) == ", ".join(names[:8]) + " and 18 more"
    assert compact_names(names[:12]) == ", ".join(names[:12]), "a few are listed as before"
    gaps = [name for name in NAMES[:100] if name not in ("tenant-050", "tenant-051")]
    assert compact_names(gaps) == "tenant-001..tenant-049 (49), tenant-052..tenant-100 (49)"
