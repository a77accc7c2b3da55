"""Configuration errors: every problem found, each tied to the file and line that caused it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from reconciler.errors import ReconcilerError

Severity = Literal["error", "warning", "notice"]


@dataclass(frozen=True)
class ConfigIssue:
    """One problem in the configuration, located so the user can go straight to it."""

    file: str
    line: int | None
    message: str
    severity: Severity = "error"
    """errors stop the run; warnings are shown and the run goes on."""
    column: int | None = None
    """1-based column of the offending value, where the loader knows it."""

    def __post_init__(self) -> None:
        # One issue, one line: control characters from user values are shown escaped.
        if not self.message.isprintable():
            shown = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in self.message)
            object.__setattr__(self, "message", shown)

    def __str__(self) -> str:
        prefix = "" if self.severity == "error" else f"{self.severity}: "
        if self.line is None:
            return f"{self.file}: {prefix}{self.message}"
        return f"{self.file}:{self.line}: {prefix}{self.message}"

    def sort_key(self) -> tuple[str, int, str]:
        return (self.file, self.line or 0, self.message)


class ConfigError(ReconcilerError):
    """The configuration is invalid; `.issues` holds every problem found, sorted by file and line.

    Its text is all issues, one per line, as `file:line: message`, so that the CLI's one-message
    error handling still shows every one of them.
    """

    def __init__(self, issues: Iterable[ConfigIssue]) -> None:
        unique = {(issue.file, issue.line, issue.message): issue for issue in issues}
        self.issues: list[ConfigIssue] = sorted(unique.values(), key=ConfigIssue.sort_key)
        super().__init__("\n".join(str(issue) for issue in self.issues))
