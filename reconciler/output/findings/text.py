"""Findings for people at a terminal: `file:line: message`, one per line (the line of each is
`reconciler.findings.format_finding`, which a policy error's message is made of too)."""

from __future__ import annotations

from collections.abc import Iterable

from reconciler.findings.model import Finding, format_finding


def render_text(findings: Iterable[Finding]) -> str:
    """One line per finding, each ending in a newline ("" when there are none)."""
    return "".join(format_finding(finding) + "\n" for finding in findings)
