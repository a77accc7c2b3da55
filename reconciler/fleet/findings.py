"""A fleet's findings, each once, for the findings renderers (text, GitHub annotations, SARIF).

Targets that share a base file share its findings: a warning on line 12 of `base/` would
otherwise be printed, annotated or reported once per target (a hundred times for a hundred
tenants). Here equal findings become one that names the targets it concerns, and a target
that failed without a located finding (its credentials, its account) becomes an error on the
targets file, so that a failed target is never silent in an annotation-only or SARIF view.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from reconciler.config import LoadedConfig
from reconciler.findings import Finding, sort_findings
from reconciler.findings.model import CONFIG_RULE
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


def failure_finding(result: TargetResult, report: FleetReport) -> Finding | None:
    """A failed or invalid target whose own findings hold no error: its reason, as an error
    on the targets file (where the target is declared)."""
    if not result.failed or not result.error:
        return None
    if any(finding.severity == "error" for finding in result.findings):
        return None
    return Finding(CONFIG_RULE.id, "error", f"failed: {result.error}", report.targets_file)


def fleet_findings(
    report: FleetReport, plans: Iterable[tuple[str, Plan, LoadedConfig]] = ()
) -> list[Finding]:
    """Every target's findings and failures, and with `plans` (target, plan, configuration)
    each planned change as a notice on its config line (`plan --format github`), merged."""
    from reconciler.findings.from_plan import plan_findings

    per_target: list[tuple[str, list[Finding]]] = []
    for result in report.targets:
        own = list(result.findings)
        failure = failure_finding(result, report)
        if failure is not None:
            own.append(failure)
        per_target.append((result.name, own))
    per_target += [(name, plan_findings(plan, loaded)) for name, plan, loaded in plans]
    return merge_findings(per_target)
