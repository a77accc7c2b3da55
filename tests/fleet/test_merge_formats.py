"""`python -m reconciler.fleet.merge` renders through the output layer, as the CLI does: every
format a fleet report has, each part on its stream, and the fleet's exit code."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler import api, output
from reconciler.findings import Finding
from reconciler.fleet import merge
from reconciler.fleet.report import CHANGES, FAILED, NO_CHANGES, FleetReport, TargetResult
from reconciler.output.fleet import render_json


def shard_report(tmp_path: Path) -> Path:
    """One shard's JSON report: an unchanged target with a warning, one with changes, one
    failed."""
    warning = Finding("config", "warning", "base.yaml: a warning", "base.yaml", 3)
    targets = [
        TargetResult("tenant-001", NO_CHANGES, findings=[warning]),
        TargetResult("tenant-002", CHANGES),
        TargetResult("tenant-003", FAILED, error="bad credentials"),
    ]
    path = tmp_path / "shard-1.json"
    path.write_text(render_json(FleetReport("plan", targets, "targets.yaml")), encoding="utf-8")
    return path


def test_every_fleet_format_is_the_output_layers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = shard_report(tmp_path)
    merged = api.merge_fleet_reports([report])
    assert [target.name for target in merged.report.targets] == [
        "tenant-001",
        "tenant-002",
        "tenant-003",
    ]
    for name in output.formats("fleet"):
        assert merge.main([str(report), "--format", name]) == 1, "a failed target"
        shown = output.renderer(name).render(merged)
        assert capsys.readouterr() == (shown.stdout, shown.stderr), name
    assert "a warning" in output.renderer("text").render(merged).stderr


def test_the_formats_offered_are_the_fleet_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as usage:
        merge.main(["--format", "yaml", str(shard_report(tmp_path))])
    assert usage.value.code == 1, "a usage error exits 1, never argparse's 2"
    refused = capsys.readouterr().err
    assert "invalid choice: 'yaml'" in refused
    assert all(name in refused.split("choose from")[1] for name in output.formats("fleet"))
