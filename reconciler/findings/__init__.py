"""Findings: one model of what is wrong with a configuration, rendered for every audience.

- `Finding` (rule id, severity, message, file, line, column, config path), built from the
  loader's `ConfigIssue`s with `findings_from_issues` or by the lint rules (`reconciler.lint`);
- renderers over it: `render_text` (terminals), `render_github` (workflow commands that annotate
  a pull request), `render_json` and `render_sarif` (over a `Report`: the JSON form is
  schemas/validate.schema.json, SARIF is 2.1.0 for code scanning);
- `reconciler.findings.from_plan.plan_findings` turns a plan into notices on the config lines
  that cause each change (imported on its own: it needs the plan layer).

docs/findings.md documents the formats and every rule id.
"""

from reconciler.findings.github import render_github
from reconciler.findings.json_format import FORMAT_VERSION, render_json
from reconciler.findings.model import (
    CONFIG_RULE,
    RULES,
    Finding,
    Rule,
    Severity,
    count,
    findings_from_issues,
    has_errors,
    register,
    sort_findings,
)
from reconciler.findings.report import Report
from reconciler.findings.sarif import render_sarif
from reconciler.findings.text import render_text

__all__ = [
    "CONFIG_RULE",
    "FORMAT_VERSION",
    "RULES",
    "Finding",
    "Report",
    "Rule",
    "Severity",
    "count",
    "findings_from_issues",
    "has_errors",
    "register",
    "render_github",
    "render_json",
    "render_sarif",
    "render_text",
    "sort_findings",
]
