"""Findings for people at a terminal: `file:line: message`, one per line.

Errors of the configuration itself keep the form `validate` has always printed; warnings and
notices say so, and team-policy findings end with their rule id so that the reader can look the
rule up in docs/policy.md.
"""

from __future__ import annotations

from collections.abc import Iterable

from reconciler.findings.model import CONFIG_RULE, Finding


def location(finding: Finding) -> str:
    """`file:line:col`, `file:line`, `file` or "" as far as the finding is located."""
    if finding.file is None:
        return ""
    parts = [finding.file]
    if finding.line is not None:
        parts.append(str(finding.line))
        if finding.column is not None:
            parts.append(str(finding.column))
    return ":".join(parts)


def format_finding(finding: Finding) -> str:
    where = location(finding)
    prefix = "" if finding.severity == "error" else f"{finding.severity}: "
    suffix = "" if finding.rule == CONFIG_RULE.id else f" [{finding.rule}]"
    text = f"{prefix}{finding.message}{suffix}"
    return f"{where}: {text}" if where else text


def render_text(findings: Iterable[Finding]) -> str:
    """One line per finding, each ending in a newline ("" when there are none)."""
    return "".join(format_finding(finding) + "\n" for finding in findings)
