"""JSON documents as every format prints them (and as the fleet's report file holds them)."""

from __future__ import annotations

import json
from typing import Any


def dumps(document: Any) -> str:
    """Indented, non-ASCII kept as it is, with a final newline."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
