"""A fleet's text and Markdown reports stay readable over a thousand targets: the unchanged ones
are named in ranges and counted, not listed one by one; the JSON report keeps every name."""

from __future__ import annotations

import json

from reconciler import output
from reconciler.api import FleetResult
from reconciler.fleet.report import CHANGES, FAILED, NO_CHANGES, VALID, FleetReport, TargetResult
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


GITHUB_COMMENT_LIMIT = 65_536
"""Characters GitHub accepts in one pull-request comment."""


def test_the_markdown_report_of_a_thousand_targets_fits_one_comment() -> None:
    fleet = a_fleet_of_a_thousand()
    shown = output.renderer("markdown").render(fleet).stdout
    assert len(shown) < GITHUB_COMMENT_LIMIT // 20, len(shown)
    lines = shown.splitlines()
    assert "**Unchanged:** tenant-001..tenant-998 (998)" in lines
    assert "tenant-500" not in shown, "no row or section per unchanged target"
    assert "| `tenant-999` |  | with changes |  |  |  |  |" in lines, "changed: its own row"
    assert "<summary><code>tenant-999</code>: with changes</summary>" in lines
    assert "| `tenant-1000` |  | **failed** |  |  |  |  |" in lines, "failed: its own row"
    assert "#### `tenant-1000`: failed" in lines and "> bad credentials" in lines
    document = json.loads(output.renderer("json").render(fleet).stdout)
    assert [target["name"] for target in document["targets"]] == NAMES


def test_a_few_unchanged_targets_keep_their_rows_and_sections() -> None:
    """Up to MAX_NAMES (12) unchanged targets, the Markdown report is as it always was."""
    report = a_fleet_of_a_thousand().report
    few = FleetResult(FleetReport("plan", report.targets[-14:], targets_file="targets.yaml"))
    shown = output.renderer("markdown").render(few).stdout
    assert "**Unchanged:**" not in shown
    for name in NAMES[-14:-2]:
        assert f"| `{name}` |  | unchanged |  |  |  |  |" in shown.splitlines()
        assert f"<summary><code>{name}</code>: unchanged</summary>" in shown.splitlines()


def test_every_quiet_outcome_is_named_in_one_line_but_unmanaged_resources_are_listed() -> None:
    valid = [TargetResult(name, VALID, resources={"services": 1}) for name in NAMES[:20]]
    shown = output.renderer("markdown").render(FleetResult(FleetReport("validate", valid)))
    assert "**Valid:** tenant-001..tenant-020 (20)" in shown.stdout.splitlines()
    unmanaged = {"kind": "service", "key": "By hand", "pruned": False, "prune_name": "services"}
    planned = [TargetResult(name, NO_CHANGES, unmanaged=[]) for name in NAMES[:20]]
    planned[4].unmanaged = [unmanaged]
    shown = output.renderer("markdown").render(FleetResult(FleetReport("plan", planned)))
    lines = shown.stdout.splitlines()
    assert "**Unchanged:** tenant-001..tenant-004 (4), tenant-006..tenant-020 (15)" in lines
    assert "<summary><code>tenant-005</code>: unchanged</summary>" in lines
    assert "| service | By hand | off (`services`) |" in lines


def test_names_without_numbers_are_counted_past_a_few() -> None:
    names = [f"shop-{word}" for word in "abcdefghijklmnopqrstuvwxyz"]
    assert compact_names(names) == ", ".join(names[:8]) + " and 18 more"
    assert compact_names(names[:12]) == ", ".join(names[:12]), "a few are listed as before"
    gaps = [name for name in NAMES[:100] if name not in ("tenant-050", "tenant-051")]
    assert compact_names(gaps) == "tenant-001..tenant-049 (49), tenant-052..tenant-100 (49)"
