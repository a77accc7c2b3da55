"""A plan for people (Terraform-style text, Markdown for pull requests) and scripts (JSON).

Secrets never reach any of these: sensitive values are shown as REDACTED.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from reconciler import escape
from reconciler.plan.model import (
    REDACTED,
    UNKNOWN,
    Action,
    Change,
    FieldDiff,
    Kept,
    Origin,
    Plan,
)

JSON_FORMAT_VERSION = 1

SYMBOLS = {
    Action.CREATE: "+",
    Action.UPDATE: "~",
    Action.REPLACE: "-/+",
    Action.DELETE: "-",
}
COLOURS = {Action.CREATE: "32", Action.UPDATE: "33", Action.REPLACE: "35", Action.DELETE: "31"}
VERBS = {
    Action.CREATE: "will be created",
    Action.UPDATE: "will be updated in place",
    Action.REPLACE: "must be replaced",
    Action.DELETE: "will be deleted",
}


def _value(diff: FieldDiff, value: Any) -> str:
    shown = diff.shown(value)
    if shown is None:
        return "null"
    if shown is REDACTED:
        return REDACTED
    return escape.terminal(json.dumps(shown, ensure_ascii=False))


def _before(diff: FieldDiff) -> str:
    return _value(diff, diff.before) if diff.before_known else UNKNOWN


def check_messages(plan: Plan) -> list[str]:
    """The checks of other products, as the plan shows them (after its notes)."""
    return [check.message for check in plan.checks]


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

    def paint(action: Action, text: str) -> str:
        return f"\033[{COLOURS[action]}m{text}\033[0m" if colour else text

    header = origin_line(origin)
    lines: list[str] = [header, ""] if header else []
    for change in plan.changes:
        symbol = SYMBOLS[change.action]
        key = escape.terminal(change.key) + _text_sid(deleted_sid(change))
        lines.append(paint(change.action, f"{symbol} {change.kind} {key} {VERBS[change.action]}"))
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


def change_to_json(
    change: Change, unmanaged: Mapping[str, set[str]] | None = None
) -> dict[str, Any]:
    """One change as JSON: the field list, then the resource before and after as nested
    objects (Terraform's `change.before`/`change.after` with their unknown and sensitive marks),
    so a policy engine can read `after.auto_creation.webhook_url` without walking `fields`.

    `unmanaged` names, per side ("before", "after"), fields that side does not manage (a
    comparison of two configurations): they are left out of that side's object.
    """
    return {
        "action": change.action.value,
        "kind": change.kind,
        "key": change.key,
        "identity": list(change.identity),
        "sid": change.sid,
        "service": change.parent_key,
        "reasons": list(change.reasons),
        "fields": [
            {
                "name": diff.name,
                "before": diff.shown(diff.before) if diff.before_known else None,
                "before_known": diff.before_known,
                "after": diff.shown(diff.after),
                "sensitive": diff.sensitive,
            }
            for diff in change.diffs
        ],
        **change_states(change, unmanaged or {}),
        **_conversations(change),
    }


def _conversations(change: Change) -> dict[str, Any]:
    """`conversations` of a service the change deletes or replaces: how many go with it."""
    held = change.conversations
    return {"conversations": {"count": held.count, "exact": held.exact}} if held else {}


def change_states(change: Change, unmanaged: Mapping[str, set[str]]) -> dict[str, Any]:
    """`before`, `after` (None where the resource does not exist on that side), and the marks:
    `before_unknown`/`after_unknown` (values known only after apply), `before_sensitive`/
    `after_sensitive` (write-only values, shown only as the REDACTED marker)."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    marks: dict[str, dict[str, Any]] = {
        "before_unknown": {},
        "after_unknown": {},
        "before_sensitive": {},
        "after_sensitive": {},
    }
    skip_before = unmanaged.get("before", set())
    skip_after = unmanaged.get("after", set())
    for diff in change.diffs:
        if change.action is not Action.CREATE and diff.name not in skip_before:
            if not diff.before_known:
                _put(marks["before_unknown"], diff.name, True)
            else:
                _put(before, diff.name, diff.shown(diff.before))
                if diff.sensitive:
                    _put(marks["before_sensitive"], diff.name, True)
        if change.action is not Action.DELETE and diff.name not in skip_after:
            _put(after, diff.name, diff.shown(diff.after))
            if diff.sensitive:
                _put(marks["after_sensitive"], diff.name, True)
    return {
        "before": None if change.action is Action.CREATE else before,
        "after": None if change.action is Action.DELETE else after,
        **marks,
    }


def _put(target: dict[str, Any], dotted: str, value: Any) -> None:
    """target['a']['b'] = value for 'a.b': the config's own nesting."""
    *parents, leaf = dotted.split(".")
    for part in parents:
        target = target.setdefault(part, {})
    target[leaf] = value


def plan_document(plan: Plan, origin: Origin | None = None) -> dict[str, Any]:
    """The plan as JSON data: what `--format json` prints and what a plan file keeps.

    Described by schemas/plan.schema.json (docs/plan-json.md). Deterministic, because `apply
    --plan` compares it with a fresh plan's, and free of secrets (only the REDACTED marker).
    `origin` adds `account_sid` (and a fleet target's `target`): what `plan` read and what
    `show` prints of a saved plan; a plan file keeps it beside this object, not in it.
    """
    document: dict[str, Any] = {
        "format_version": JSON_FORMAT_VERSION,
        "summary": plan.summary,
        "changes": [change_to_json(change) for change in plan.changes],
        "kept": [
            {
                "kind": kept.kind,
                "key": kept.key,
                "sid": kept.sid,
                "service": kept.service,
                "reason": kept.reason,
            }
            for kept in plan.kept
        ],
        "guards": [{"message": guard.message, "flag": guard.flag} for guard in plan.guards],
        "notes": list(plan.notes),
        "checks": check_messages(plan),
        "fingerprint": plan.fingerprint,
    }
    if origin is not None:
        document["account_sid"] = origin.account_sid
        if origin.target is not None:
            document["target"] = origin.target
    return document


def render_json(plan: Plan, origin: Origin | None = None) -> str:
    return json.dumps(plan_document(plan, origin), indent=2, ensure_ascii=False) + "\n"


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
        if change.diffs:
            lines += ["| field | before | after |", "|---|---|---|"]
            for diff in change.diffs:
                before = "" if change.action is Action.CREATE else _before(diff)
                after = "" if change.action is Action.DELETE else _value(diff, diff.after)
                lines.append(
                    f"| `{diff.name}` | {escape.markdown(before)} | {escape.markdown(after)} |"
                )
        lines += ["", "</details>"]
    if not plan.empty:
        lines += ["", summary_line(plan), ""]
    return "\n".join(lines)
