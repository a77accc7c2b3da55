"""One model for everything `validate` and `plan` report about a configuration.

A Finding is what a reviewer needs to act: which rule, how bad, what is wrong, and where (file,
line, column when known, and the config path). Twilio's rules and the loader's problems arrive as
ConfigIssues; the team's policy rules produce Findings directly. Every output format (text,
GitHub workflow commands, JSON, SARIF: `reconciler.output.findings`) is a renderer over this
model, so they cannot disagree. A finding's one line (`format_finding`) and its JSON object
(`finding_to_json`) are here, not there: a policy error's message and a fleet report's data
(which `python -m reconciler.fleet.merge` reads back) are made of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from reconciler.config.errors import ConfigIssue

Severity = Literal["error", "warning", "notice"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "notice")


@dataclass(frozen=True)
class Rule:
    """What a rule id means: shown by SARIF viewers and listed in docs/findings.md."""

    id: str
    title: str
    """A few words, used as the annotation title."""
    description: str
    """One sentence: what the rule checks and why."""
    default_severity: Severity = "error"
    tags: tuple[str, ...] = ()


RULES: dict[str, Rule] = {}
"""Every rule known to the renderers, by id (lint and plan register theirs on import)."""


def register(*rules: Rule) -> None:
    """Make rules known to the renderers (SARIF lists them; GitHub titles come from them)."""
    for rule in rules:
        RULES[rule.id] = rule


def rule_for(rule_id: str) -> Rule:
    """The registered rule, or a bare one named by its id (a renderer never fails on it)."""
    return RULES.get(rule_id) or Rule(id=rule_id, title=rule_id, description=rule_id)


CONFIG_RULE = Rule(
    id="config",
    title="Configuration check",
    description=(
        "The configuration breaks the YAML rules, the schema, a reference or one of Twilio's "
        "own rules (see docs/configuration.md, 'What validate checks')."
    ),
    tags=("configuration",),
)
register(CONFIG_RULE)


@dataclass(frozen=True)
class Finding:
    """One thing wrong (or worth knowing) about the configuration, located for the reviewer."""

    rule: str
    severity: Severity
    message: str
    """Complete on its own; starts with the config path when there is one."""
    file: str | None = None
    """The file as the user named it (relative paths stay relative); None when not a file."""
    line: int | None = None
    """1-based."""
    column: int | None = None
    """1-based, only when known exactly."""
    path: str | None = None
    """The config path of the offending value, e.g. services.support.webhooks.post_webhook_url."""
    related: tuple[tuple[str, int | None, str], ...] = field(default=(), compare=False)
    """Other places that explain it, as (file, line, what): the policy entry that forbids it."""

    @classmethod
    def from_issue(cls, issue: ConfigIssue, rule: str = CONFIG_RULE.id) -> Finding:
        """A loader or Twilio-rule issue as a Finding (placeholders like '(configuration)' are
        not files, so they do not become annotation targets)."""
        file: str | None = issue.file
        if file is not None and file.startswith("(") and file.endswith(")"):
            return cls(rule, issue.severity, f"{file}: {issue.message}")
        return cls(rule, issue.severity, issue.message, file, issue.line, issue.column)

    def sort_key(self) -> tuple[str, int, int, int, str, str]:
        return (
            self.file or "",
            self.line or 0,
            self.column or 0,
            SEVERITIES.index(self.severity),
            self.rule,
            self.message,
        )


def findings_from_issues(issues: Iterable[ConfigIssue]) -> list[Finding]:
    """ConfigIssues (errors and warnings alike) as Findings, in file and line order."""
    return sort_findings(Finding.from_issue(issue) for issue in issues)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """By file, line, column, then errors before warnings before notices; duplicates dropped."""
    unique: dict[tuple[str, Severity, str, str | None, int | None], Finding] = {}
    for finding in findings:
        key = (finding.rule, finding.severity, finding.message, finding.file, finding.line)
        unique.setdefault(key, finding)
    return sorted(unique.values(), key=Finding.sort_key)


def count(findings: Sequence[Finding]) -> dict[str, int]:
    """{"errors": n, "warnings": n, "notices": n}."""
    return {
        f"{severity}s": sum(1 for finding in findings if finding.severity == severity)
        for severity in SEVERITIES
    }


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(finding.severity == "error" for finding in findings)


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
    """`file:line: message`: errors of the configuration itself keep the form `validate` has
    always printed; warnings and notices say so, and team-policy findings end with their rule
    id so that the reader can look the rule up in docs/policy.md."""
    where = location(finding)
    prefix = "" if finding.severity == "error" else f"{finding.severity}: "
    suffix = "" if finding.rule == CONFIG_RULE.id else f" [{finding.rule}]"
    text = f"{prefix}{finding.message}{suffix}"
    return f"{where}: {text}" if where else text


def finding_to_json(finding: Finding) -> dict[str, Any]:
    """The finding as JSON data (schemas/validate.schema.json's `findings` items)."""
    return {
        "rule": finding.rule,
        "severity": finding.severity,
        "message": finding.message,
        "file": finding.file,
        "line": finding.line,
        "column": finding.column,
        "path": finding.path,
        "related": [
            {"file": file, "line": line, "message": what} for file, line, what in finding.related
        ],
    }
