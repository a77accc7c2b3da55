"""The JSON reports of a fleet split across CI jobs (`--shard K/N --report FILE`), read back
and combined into the report one run over every target would have given.

Targets come in the order of the reports, the summary is recounted. Two reports naming one
target, or reports of different commands, are refused (ReconcilerError).
`python -m reconciler.fleet.merge` is the command over this (`reconciler.api.merge_fleet_reports`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reconciler.errors import ReconcilerError
from reconciler.findings import Finding
from reconciler.fleet.report import FORMAT_VERSION, STATUSES, FleetReport, TargetResult


def _finding(data: dict[str, Any]) -> Finding:
    return Finding(
        rule=str(data.get("rule", "config")),
        severity=data.get("severity", "error"),
        message=str(data.get("message", "")),
        file=data.get("file"),
        line=data.get("line"),
        column=data.get("column"),
        path=data.get("path"),
    )


def _result(data: dict[str, Any]) -> TargetResult:
    return TargetResult(
        name=str(data["name"]),
        status=str(data["status"]),
        account_sid=data.get("account_sid"),
        error=data.get("error"),
        seconds=float(data.get("seconds", 0.0)),
        plan_data=data.get("plan"),
        apply_data=data.get("apply"),
        findings=[_finding(item) for item in data.get("findings", [])],
        resources=data.get("resources"),
        files=data.get("files"),
        path=data.get("path"),
        unmanaged=data.get("unmanaged"),
    )


def read_report(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ReconcilerError(f"cannot read {path}: {error.strerror or error}") from None
    except ValueError as error:
        raise ReconcilerError(f"{path}: not a JSON fleet report ({error})") from None
    if not isinstance(data, dict) or data.get("format_version") != FORMAT_VERSION:
        raise ReconcilerError(f"{path}: not a fleet report of format_version {FORMAT_VERSION}")
    if data.get("command") not in STATUSES or not isinstance(data.get("targets"), list):
        raise ReconcilerError(f"{path}: not a fleet report (no command and targets)")
    return data


def merge_reports(documents: Sequence[tuple[Path, dict[str, Any]]]) -> FleetReport:
    if not documents:
        raise ReconcilerError("give at least one JSON fleet report")
    command = documents[0][1]["command"]
    seen: dict[str, Path] = {}
    results: list[TargetResult] = []
    for path, document in documents:
        if document["command"] != command:
            raise ReconcilerError(
                f"{path} is a report of `{document['command']}`, {documents[0][0]} of `{command}`"
            )
        for item in document["targets"]:
            result = _result(item)
            if result.name in seen:
                raise ReconcilerError(
                    f"target {result.name} is in {seen[result.name]} and in {path}; each target "
                    "belongs to one shard"
                )
            if result.status not in STATUSES[command]:
                raise ReconcilerError(f"{path}: target {result.name} has status {result.status!r}")
            seen[result.name] = path
            results.append(result)
    return FleetReport(
        command,
        results,
        targets_file=str(documents[0][1].get("targets_file", "")),
        seconds=max(float(document.get("seconds", 0.0)) for _, document in documents),
    )
