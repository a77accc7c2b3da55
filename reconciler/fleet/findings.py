"""A fleet's findings, each once, for the findings renderers (text, GitHub annotations, SARIF).

Targets that share a base file share its findings: a warning on line 12 of `base/` would
otherwise be printed, annotated or reported once per target (a hundred times for a hundred
tenants). Here equal findings become one that names the targets it concerns, and a target
that failed without a located finding (its credentials, its account) becomes an error where its
message says (`file:line:` it starts with, or the targets file's line it names) or else on its
entry in the targets file, so that a failed target is never silent in an annotation-only or
SARIF view. A configuration path that does not exist has no line to annotate: its finding goes
on the targets file's line that names it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from reconciler.config import LoadedConfig
from reconciler.findings import Finding, sort_findings
from reconciler.findings.model import CONFIG_RULE
from reconciler.fleet.loader import Declaration, declarations
from reconciler.fleet.report import FleetReport, TargetResult
from reconciler.plan.model import Plan

MAX_TARGETS_NAMED = 8
"""Targets named after a shared finding; the rest are counted."""


def name_targets(names: list[str]) -> str:
    """`a, b and 3 more`."""
    shown = ", ".join(names[:MAX_TARGETS_NAMED])
    extra = len(names) - MAX_TARGETS_NAMED
    return shown + (f" and {extra} more" if extra > 0 else "")


def merge_findings(per_target: Iterable[tuple[str, Iterable[Finding]]]) -> list[Finding]:
    """Each distinct finding once, its message ending with the targets it concerns, sorted
    by file and line."""
    targets: dict[Finding, list[str]] = {}
    for name, findings in per_target:
        for finding in findings:
            named = targets.setdefault(finding, [])
            if name not in named:
                named.append(name)
    return sort_findings(
        replace(finding, message=f"{finding.message} (targets: {name_targets(names)})")
        for finding, names in targets.items()
    )


LOCATED = re.compile(r"^(?P<file>.+?):(?:(?P<line>\d+):)? (?P<message>.+)$")
"""A line of an error that starts with where it is: `file:line: message` or `file: message`."""


def failure_findings(
    result: TargetResult, report: FleetReport, declared: Declaration | None = None
) -> list[Finding]:
    """A failed or invalid target whose own findings hold no error: each line of its reason as
    an error, located as the line says, else on the target's entry in the targets file."""
    if not result.failed or not result.error:
        return []
    if any(finding.severity == "error" for finding in result.findings):
        return []
    return [_failure_at(text, report.targets_file, declared) for text in result.error.splitlines()]


def _failure_at(text: str, targets_file: str, declared: Declaration | None) -> Finding:
    """One line of a failure where it says it is: a `file:line:` it starts with (a config
    error), a line of the targets file it names (a credential variable, a pin), else the
    target's entry."""
    match = LOCATED.match(text)
    if match and _is_file(match["file"], targets_file, declared):
        line = int(match["line"]) if match["line"] else None
        finding = Finding(
            CONFIG_RULE.id, "error", f"failed: {match['message']}", match["file"], line
        )
        return on_declaring_line(finding, targets_file, declared)
    named = re.search(re.escape(targets_file) + r":(\d+)\b", text) if targets_file else None
    line = int(named[1]) if named else declared.line if declared else None
    return Finding(CONFIG_RULE.id, "error", f"failed: {text}", targets_file, line)


def _is_file(file: str, targets_file: str, declared: Declaration | None) -> bool:
    """A prefix before `:` that names a file (not `target acme: ...`)."""
    named = declared is not None and file in declared.config
    return file == targets_file or named or os.path.isfile(file)


def on_declaring_line(finding: Finding, targets_file: str, declared: Declaration | None) -> Finding:
    """A finding on a configuration path that is not a file (missing, or a folder) and so has
    no line: moved to the targets file's line that names the path."""
    if declared is None or finding.line is not None or finding.file not in declared.config:
        return finding
    if os.path.isfile(finding.file):
        return finding
    return replace(finding, file=targets_file, line=declared.config[finding.file], column=None)


def fleet_findings(
    report: FleetReport, plans: Iterable[tuple[str, Plan, LoadedConfig]] = ()
) -> list[Finding]:
    """Every target's findings and failures, and with `plans` (target, plan, configuration)
    each planned change as a notice on its config line (`plan --format github`), merged."""
    from reconciler.findings.from_plan import plan_findings

    declared = declarations(Path(report.targets_file)) if report.targets_file else {}
    per_target: list[tuple[str, list[Finding]]] = []
    for result in report.targets:
        where = declared.get(result.name)
        own = [on_declaring_line(f, report.targets_file, where) for f in result.findings]
        own += failure_findings(result, report, where)
        per_target.append((result.name, own))
    per_target += [(name, plan_findings(plan, loaded)) for name, plan, loaded in plans]
    return merge_findings(per_target)
