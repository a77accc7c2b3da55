"""The column of a value on its line, when the text proves it.

The loader records lines, not columns. For a scalar written on the same line as its key
(`post_webhook_url: https://...`, block or flow style, quoted or not), the column is found by
reading that line back and checking that the value is really there; a value that came from a
`${VAR}` or sits on another line gets no column rather than a wrong one.
"""

from __future__ import annotations

import re
from pathlib import Path


class LineReader:
    """Reads each file once per check; a file that cannot be read gives no columns."""

    def __init__(self) -> None:
        self._files: dict[str, list[str] | None] = {}

    def line(self, file: str, number: int) -> str | None:
        if file not in self._files:
            try:
                self._files[file] = Path(file).read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                self._files[file] = None
        lines = self._files[file]
        if lines is None or not 1 <= number <= len(lines):
            return None
        return lines[number - 1]

    def value_column(self, file: str, number: int, key: str, value: str) -> int | None:
        """1-based column where `key: value` puts the value on line `number`, if it does."""
        text = self.line(file, number)
        if text is None:
            return None
        for match in re.finditer(rf"(?<![\w-]){re.escape(key)}\s*:\s+", text):
            start = match.end()
            rest = text[start:]
            if rest[:1] in ("'", '"') and rest[1:].startswith(value):
                return start + 1
            if rest.startswith(value):
                return start + 1
        return None
