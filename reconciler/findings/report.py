"""What `validate` found, as one value that the JSON and SARIF renderers share."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from reconciler.findings.model import Finding, count, has_errors


@dataclass(frozen=True)
class Report:
    """The outcome of checking one configuration (the paths given, merged in order)."""

    paths: Sequence[str]
    findings: Sequence[Finding]
    files: Sequence[str] = field(default_factory=tuple)
    """Every file read, in merge order; empty when the configuration could not be read."""
    resources: dict[str, int] | None = None
    """What the configuration manages, by kind; None when it is invalid."""

    @property
    def valid(self) -> bool:
        """Warnings and notices do not make a configuration invalid."""
        return not has_errors(self.findings)

    @property
    def summary(self) -> dict[str, int]:
        return count(self.findings)
