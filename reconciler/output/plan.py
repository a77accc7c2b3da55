"""A plan for people: Terraform-style text for a terminal, Markdown for a pull request, and
its JSON document (`reconciler.plan.document`) for scripts.

Secrets never reach any of these: sensitive values are shown as REDACTED. Every name and value
from a configuration or an account passes through `reconciler.escape`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from reconciler import escape
from reconciler.output.json_text import dumps
from reconciler.plan.document import check_messages, plan_document
from reconciler.plan.model import (
    REDACTED,
    SYMBOLS,
    UNKNOWN,
    VERBS,
    Action,
    Change,
    FieldDiff,
    Kept,
    Origin,
    Plan,
)

COLOURS = {Action.CREATE: "32", Action.UPDATE: "33", Action.REPLACE: "35", Action.DELETE: "31"}


def paint(action: Action, text: str, colour: bool) -> str:
    """`text` in the action's ANSI colour when `colour` (a plan's or a diff's heading)."""
    return f"\033[{COLOURS[action]}m{text}\033[0m" if colour else text


def _value(diff: FieldDiff, value: Any) -> str:
    shown = diff.shown(value)
    if shown is None:
        return "null"
    if shown is REDACTED:
        return str(REDACTED)
    return escape.terminal(json.dumps(shown, ensure_ascii=False))


def _before(diff: FieldDiff) -> str:
    return _value(diff, diff.before) if diff.before_known else UNKNOWN


def summary_line(plan: Plan) -> str:
    counts = plan.summary
    if plan.empty:
        return "No changes. The account matches the configuration."
    return (
        f"Plan: {counts['create']} to create, {counts['update']} to update, "
        f"{counts['replace']} to replace, {counts['delete']} to delete."
    )


def deleted_sid(change: Change) -> str | None:
    """The SID a delete or a replace removes, where the key does not already show it (a live
    service's key is `Name (IS...)`): every deletion names exactly what it deletes, so a twin's
    delete is told from the twin it keeps."""
    if change.action not in (Action.DELETE, Action.REPLACE):
        return None
    return _unless_in_key(change.sid, change.key)


def _kept_sid(kept: Kept) -> str | None:
    return _unless_in_key(kept.sid, kept.key)


def _unless_in_key(sid: str | None, key: str) -> str | None:
    """The SID, unless there is none or the key already shows it."""
    return sid if sid and sid not in key else None


def _text_sid(sid: str | None) -> str:
    return f" ({escape.terminal(sid)})" if sid else ""


def _markdown_sid(sid: str | None) -> str:
    return f" (<code>{escape.markdown(sid)}</code>)" if sid else ""


def origin_line(origin: Origin | None) -> str | None:
    """`Account: AC... (fleet target NAME)` for a saved plan, or None when nothing is known."""
    if origin is None or origin.account_sid is None:
        return None
    target = f" (fleet target {escape.terminal(origin.target)})" if origin.target else ""
    return f"Account: {escape.terminal(origin.account_sid)}{target}"


def render_text(plan: Plan, colour: bool = False, origin: Origin | None = None) -> str:
    """The plan for a terminal; `origin` (a saved plan's account) heads it when given."""
    header = origin_line(origin)
    lines: list[str] = [header, ""] if header else []
    for change in plan.changes:
        symbol = SYMBOLS[change.action]
        key = escape.terminal(change.key) + _text_sid(deleted_sid(change))
        heading = f"{symbol} {change.kind} {key} {VERBS[change.action]}"
        lines.append(paint(change.action, heading, colour))
        lines.extend(f"    # {escape.terminal(reason)}" for reason in change.reasons)
        for diff in change.diffs:
            if change.action is Action.CREATE:
                lines.append(f"    + {diff.name} = {_value(diff, diff.after)}")
            elif change.action is Action.DELETE:
                lines.append(f"    - {diff.name} = {_value(diff, diff.before)}")
            else:
                lines.append(f"    ~ {diff.name}: {_before(diff)} -> {_value(diff, diff.after)}")
        lines.append("")
    for kept in plan.kept:
        lines.append(
            f"Kept: {kept.kind} {escape.terminal(kept.key)}"
            f"{_text_sid(_kept_sid(kept))}: {escape.terminal(kept.reason)}"
        )
    for note in [*plan.notes, *check_messages(plan)]:
        lines.append(f"Note: {escape.terminal(note)}")
    for guard in plan.guards:
        needs = f" (needs {guard.flag})" if guard.flag else " (refused)"
        lines.append(f"Warning: {escape.terminal(guard.message)}{needs}")
    lines.append(summary_line(plan))
    return "\n".join(lines) + "\n"


def render_json(plan: Plan, origin: Origin | None = None) -> str:
    """The plan's JSON document (schemas/plan.schema.json), as `--format json` prints it."""
    return dumps(plan_document(plan, origin))


def markdown_fields(
    change: Change,
    columns: tuple[str, str],
    before: Callable[[FieldDiff], str],
    after: Callable[[FieldDiff], str],
) -> list[str]:
    """A change's fields as a Markdown table (a plan's before and after, a diff's A and B):
    the side where the resource does not exist is left empty; nothing when no field changes."""
    if not change.diffs:
        return []
    lines = [f"| field | {columns[0]} | {columns[1]} |", "|---|---|---|"]
    for diff in change.diffs:
        old = "" if change.action is Action.CREATE else before(diff)
        new = "" if change.action is Action.DELETE else after(diff)
        lines.append(f"| `{diff.name}` | {escape.markdown(old)} | {escape.markdown(new)} |")
    return lines


def render_markdown(plan: Plan, origin: Origin | None = None) -> str:
    """The plan as a pull-request comment; `origin` (a saved plan's account) under the title."""
    counts = plan.summary
    lines = ["### reconciler plan", ""]
    if origin is not None and origin.account_sid is not None:
        target = (
            f" (fleet target <code>{escape.markdown(origin.target)}</code>)"
            if origin.target
            else ""
        )
        lines += [f"Account: <code>{escape.markdown(origin.account_sid)}</code>{target}", ""]
    if plan.empty:
        lines += ["**No changes.** The account matches the configuration.", ""]
    else:
        lines += [
            "| create | update | replace | delete |",
            "|---:|---:|---:|---:|",
            "| " + " | ".join(str(counts[action.value]) for action in Action) + " |",
            "",
        ]
    for guard in plan.guards:
        needs = f"needs `{guard.flag}`" if guard.flag else "refused"
        lines.append(f"> :warning: {escape.markdown(guard.message)} ({needs})")
    for note in [*plan.notes, *check_messages(plan)]:
        lines.append(f"> :information_source: {escape.markdown(note)}")
    for kept in plan.kept:
        lines.append(
            f"> :lock: kept {kept.kind} <code>{escape.markdown(kept.key)}</code>"
            f"{_markdown_sid(_kept_sid(kept))}: {escape.markdown(kept.reason)}"
        )
    if plan.guards or plan.notes or plan.checks or plan.kept:
        lines.append("")
    for change in plan.changes:
        symbol = SYMBOLS[change.action]
        key = escape.markdown(change.key)
        deletes = _markdown_sid(deleted_sid(change))
        lines.append("<details>")
        lines.append(
            f"<summary><code>{symbol}</code> {change.kind} <code>{key}</code>{deletes} "
            f"{VERBS[change.action]}</summary>"
        )
        lines.append("")
        lines.extend(f"_{escape.markdown(reason)}_" for reason in change.reasons)
        lines += markdown_fields(
            change, ("before", "after"), _before, lambda diff: _value(diff, diff.after)
        )
        lines += ["", "</details>"]
    if not plan.empty:
        lines += ["", summary_line(plan), ""]
    return "\n".join(lines)
