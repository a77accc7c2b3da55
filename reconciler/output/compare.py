"""A comparison (`reconciler diff`) in the plan's formats: text like a plan (with unified
diff's --- A / +++ B), Markdown for a pull request, JSON as schemas/diff.schema.json describes
(the plan's change objects, read from A to B).

Every name, path and value from a configuration or an account passes through
`reconciler.escape`; secrets are never in a comparison, only marked sensitive.
"""

from __future__ import annotations

import json
from typing import Any

from reconciler import escape
from reconciler.compare.core import Comparison, Side
from reconciler.output.json_text import dumps
from reconciler.output.plan import markdown_fields, paint
from reconciler.plan.document import change_to_json
from reconciler.plan.model import REDACTED, SYMBOLS, Action, Change, FieldDiff

DIFF_FORMAT_VERSION = 1
NOT_MANAGED = "(not managed)"
WHERE = {
    Action.CREATE: "only in B",
    Action.DELETE: "only in A",
    Action.UPDATE: "differs",
    Action.REPLACE: "differs (cannot be changed in place)",
}


def _managed(diff: FieldDiff, side: str) -> bool:
    """Whether side "before" (A) or "after" (B) manages the field (plan diffs: always)."""
    return bool(getattr(diff, f"{side}_managed", True))


def _value(diff: FieldDiff, value: Any, managed: bool = True) -> str:
    if not managed:
        return NOT_MANAGED
    if diff.sensitive:
        return REDACTED
    if value is None:
        return "null"
    return escape.terminal(json.dumps(diff.shown(value), ensure_ascii=False))


def _field_line(change: Change, diff: FieldDiff) -> str:
    if change.action is Action.CREATE:
        return f"    + {diff.name} = {_value(diff, diff.after)}"
    if change.action is Action.DELETE:
        return f"    - {diff.name} = {_value(diff, diff.before)}"
    before = _value(diff, diff.before, _managed(diff, "before"))
    after = _value(diff, diff.after, _managed(diff, "after"))
    return f"    ~ {diff.name}: {before} -> {after}"


def summary_line(comparison: Comparison) -> str:
    if comparison.same:
        return "No differences: A and B agree on everything they manage."
    counts = comparison.summary
    differ = counts[Action.UPDATE.value] + counts[Action.REPLACE.value]
    return (
        f"A and B differ: {counts[Action.DELETE.value]} only in A, "
        f"{counts[Action.CREATE.value]} only in B, {differ} in both with different settings."
    )


def render_text(comparison: Comparison, colour: bool = False) -> str:
    lines = [
        f"--- A: {escape.terminal(comparison.a.describe())}",
        f"+++ B: {escape.terminal(comparison.b.describe())}",
        "",
    ]
    for change in comparison.changes:
        key = escape.terminal(change.key)
        heading = f"{SYMBOLS[change.action]} {change.kind} {key} {WHERE[change.action]}"
        lines.append(paint(change.action, heading, colour))
        lines.extend(f"    # {escape.terminal(reason)}" for reason in change.reasons)
        lines.extend(_field_line(change, diff) for diff in change.diffs)
        lines.append("")
    lines.extend(f"Note: {escape.terminal(note)}" for note in comparison.notes)
    lines.append(summary_line(comparison))
    return "\n".join(lines) + "\n"


def render_markdown(comparison: Comparison) -> str:
    counts = comparison.summary
    lines = [
        "### reconciler diff",
        "",
        f"- **A:** <code>{escape.markdown(comparison.a.describe())}</code>",
        f"- **B:** <code>{escape.markdown(comparison.b.describe())}</code>",
        "",
    ]
    if comparison.same:
        lines += ["**No differences.** A and B agree on everything they manage.", ""]
    else:
        differ = counts[Action.UPDATE.value] + counts[Action.REPLACE.value]
        lines += [
            "| only in A | only in B | differ |",
            "|---:|---:|---:|",
            f"| {counts[Action.DELETE.value]} | {counts[Action.CREATE.value]} | {differ} |",
            "",
        ]
    for note in comparison.notes:
        lines.append(f"> :information_source: {escape.markdown(note)}")
    if comparison.notes:
        lines.append("")
    for change in comparison.changes:
        key = escape.markdown(change.key)
        lines += [
            "<details>",
            f"<summary><code>{SYMBOLS[change.action]}</code> {change.kind} <code>{key}</code> "
            f"{WHERE[change.action]}</summary>",
            "",
        ]
        for reason in change.reasons:
            lines += [f"_{escape.markdown(reason)}_", ""]
        lines += markdown_fields(
            change,
            ("A", "B"),
            lambda diff: _value(diff, diff.before, _managed(diff, "before")),
            lambda diff: _value(diff, diff.after, _managed(diff, "after")),
        )
        lines += ["", "</details>"]
    if not comparison.same:
        lines += ["", summary_line(comparison), ""]
    return "\n".join(lines)


def side_to_json(side: Side) -> dict[str, Any]:
    return {
        "name": side.name,
        "source": "live" if side.live else "config",
        "paths": list(side.paths),
        "account_sid": side.account_sid,
    }


def _change_to_json(change: Change) -> dict[str, Any]:
    """The plan's change object; fields one side does not manage are marked, and left out of
    that side's `before`/`after` object."""
    unmanaged = {
        side: {diff.name for diff in change.diffs if not _managed(diff, side)}
        for side in ("before", "after")
    }
    document = change_to_json(change, unmanaged)
    for entry, diff in zip(document["fields"], change.diffs, strict=True):
        entry["before_managed"] = _managed(diff, "before")
        entry["after_managed"] = _managed(diff, "after")
    return document


def comparison_document(comparison: Comparison) -> dict[str, Any]:
    """The comparison as JSON data (schemas/diff.schema.json, docs/plan-json.md)."""
    return {
        "format_version": DIFF_FORMAT_VERSION,
        "a": side_to_json(comparison.a),
        "b": side_to_json(comparison.b),
        "summary": comparison.summary,
        "changes": [_change_to_json(change) for change in comparison.changes],
        "notes": list(comparison.notes),
    }


def render_json(comparison: Comparison) -> str:
    return dumps(comparison_document(comparison))
