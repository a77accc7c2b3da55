"""`plan --show-unmanaged`'s list, as text and Markdown.

Rendered from the records of `reconciler.plan.unmanaged.unmanaged_json` (not the objects), so
that a fleet report read back from JSON (`python -m reconciler.fleet.merge`) renders the same.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from reconciler import escape


def render_unmanaged_text(records: Sequence[Mapping[str, Any]]) -> str:
    if not records:
        return "Unmanaged: none. Every live resource of a prunable kind is in the configuration.\n"
    lines = [f"Unmanaged: {len(records)} live resources are not in the configuration:"]
    for record in records:
        status = (
            f"left alone: {record['kept']}"
            if record.get("kept")
            else "deleted by this plan (policy.prune)"
            if record["pruned"]
            else f"left alone; add {record['prune_name']} to policy.prune to delete it"
        )
        lines.append(f"  {record['kind']} {escape.terminal(str(record['key']))}: {status}")
    return "\n".join(lines) + "\n"


def render_unmanaged_markdown(records: Sequence[Mapping[str, Any]]) -> str:
    lines = ["", "#### Unmanaged", ""]
    if not records:
        return "\n".join([*lines, "None: every live resource of a prunable kind is managed.", ""])
    lines += ["| kind | resource | prune |", "|---|---|---|"]
    for record in records:
        status = (
            f"never: {record['kept']}"
            if record.get("kept")
            else "deleted by this plan"
            if record["pruned"]
            else f"off (`{record['prune_name']}`)"
        )
        key = escape.markdown(str(record["key"]))
        lines.append(f"| {record['kind']} | {key} | {status} |")
    return "\n".join([*lines, ""])
