"""Findings: one model of what is wrong with a configuration, rendered for every audience.

- `Finding` (rule id, severity, message, file, line, column, config path), built from the
  loader's `ConfigIssue`s with `findings_from_issues` or by the lint rules (`reconciler.lint`);
  `format_finding` says one in a line, `finding_to_json` gives its JSON object;
- `Report`: what `validate` found, over which the JSON and SARIF formats are written;
- `reconciler.findings.from_plan.plan_findings` turns a plan into notices on the config lines
  that cause each change (imported on its own: it needs the plan layer).

The formats (text, GitHub workflow commands, JSON, SARIF) are `reconciler.output.findings`.
docs/findings.md documents them and every rule id.
"""

from reconciler.findings.model import (
    CONFIG_RULE,
    RULES,
    Finding,
    Rule,
    Severity,
    count,
    finding_to_json,
    findings_from_issues,
    format_finding,
    has_errors,
    register,
    sort_findings,
)
from reconciler.findings.report import Report

__all__ = [
    "CONFIG_RULE",
    "RULES",
    "Finding",
    "Report",
    "Rule",
    "Severity",
    "count",
    "finding_to_json",
    "findings_from_issues",
    "format_finding",
    "has_errors",
    "register",
    "sort_findings",
]
