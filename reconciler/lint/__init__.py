"""Team rules about a configuration, apart from Twilio's own (reconciler/config/validation.py).

Twilio's rules decide whether Twilio would accept a configuration; these decide whether the team
does: webhook hosts, https, development tunnels, required events (`policy.webhooks`, see
docs/policy.md). They run offline on a loaded configuration, in `validate` and again in `plan`:

    loaded = load_config(paths)          # raises ConfigError (Twilio's rules, schema, YAML)
    findings = lint.check(loaded)        # the loader's warnings + every policy finding
    lint.raise_for_errors(findings)      # PolicyError (exit 1) when any finding is an error
"""

from __future__ import annotations

from collections.abc import Iterable

from reconciler.config import LoadedConfig
from reconciler.errors import ReconcilerError
from reconciler.findings import Finding, findings_from_issues, format_finding, sort_findings
from reconciler.lint.rules import ALL_RULES, LINT_RULES
from reconciler.lint.webhooks import check_webhooks

__all__ = ["ALL_RULES", "LINT_RULES", "PolicyError", "check", "raise_for_errors"]


def check(loaded: LoadedConfig, warnings: bool = True) -> list[Finding]:
    """Every team-policy finding, sorted by file and line, with the loader's warnings unless
    `warnings` is False (for a caller that already showed them)."""
    issues = findings_from_issues(loaded.warnings) if warnings else []
    return sort_findings([*issues, *check_webhooks(loaded)])


class PolicyError(ReconcilerError):
    """The configuration breaks the team's policy; its text lists every error, one per line."""

    def __init__(self, findings: Iterable[Finding]) -> None:
        self.findings = [finding for finding in findings if finding.severity == "error"]
        lines = [format_finding(finding) for finding in self.findings]
        count = len(self.findings)
        lines.append(
            f"the configuration breaks the team's policy ({count} error{'s' if count != 1 else ''})"
        )
        super().__init__("\n".join(lines))


def raise_for_errors(findings: Iterable[Finding]) -> None:
    """Raise PolicyError when any finding is an error; warnings and notices pass."""
    errors = [finding for finding in findings if finding.severity == "error"]
    if errors:
        raise PolicyError(errors)
