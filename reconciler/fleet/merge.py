"""Join the JSON reports of a fleet split across CI jobs into one report.

    python -m reconciler.fleet.merge shard-*.json                     # one JSON object
    python -m reconciler.fleet.merge --format markdown shard-*.json   # the PR comment
    python -m reconciler.fleet.merge --detailed-exitcode shard-*.json # 0, 1 or 2 for the fleet

Each input is what `plan --all --format json` (or `--report FILE`) wrote for one shard. The
merged report is the one a single run over every target would have printed: targets in the
order of the inputs, the summary recounted. Two inputs naming one target, or reports of
different commands, are refused. Exit codes are a fleet run's: 1 for a failed target and for
any error of the merge itself (usage errors included, never argparse's 2), 2 only for changes
under --detailed-exitcode.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reconciler.errors import ReconcilerError
from reconciler.findings import Finding
from reconciler.fleet.report import (
    ERROR_EXIT_CODE,
    FORMAT_VERSION,
    STATUSES,
    FleetReport,
    TargetResult,
)
from reconciler.output.fleet import render_json, render_markdown, render_text
from reconciler.usage import ArgumentParser


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


def main(argv: Sequence[str] | None = None) -> int:
    parser = ArgumentParser(
        prog="python -m reconciler.fleet.merge",
        description="Join the JSON reports of fleet shards into one report.",
    )
    parser.add_argument("reports", nargs="+", type=Path, metavar="REPORT.json")
    parser.add_argument("--format", choices=("json", "markdown", "text"), default="json")
    parser.add_argument(
        "--detailed-exitcode",
        action="store_true",
        help="exit 2 when any target has changes (1 is always a failed target)",
    )
    arguments = parser.parse_args(argv)
    try:
        report = merge_reports([(path, read_report(path)) for path in arguments.reports])
    except ReconcilerError as error:
        print(f"Error: {error}", file=sys.stderr)
        return ERROR_EXIT_CODE
    renderers = {"json": render_json, "markdown": render_markdown, "text": render_text}
    sys.stdout.write(renderers[arguments.format](report))
    return report.exit_code(arguments.detailed_exitcode)


if __name__ == "__main__":
    sys.exit(main())
