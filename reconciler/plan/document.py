"""A plan as JSON data (schemas/plan.schema.json, docs/plan-json.md).

This is the plan's own data form, not one of its renderings: a plan file keeps it, `apply
--plan` compares a fresh plan's with the saved one, a fleet report carries one per target and
`plan_from_document` (plan/planfile.py) reads it back. The json format of `reconciler.output`
prints it as it is. Secrets never reach it: sensitive values are only the REDACTED marker.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reconciler.plan.model import Action, Change, Origin, Plan

JSON_FORMAT_VERSION = 1


def check_messages(plan: Plan) -> list[str]:
    """The checks of other products, as the plan shows them (after its notes)."""
    return [check.message for check in plan.checks]


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

    Deterministic, because `apply --plan` compares it with a fresh plan's, and free of secrets
    (only the REDACTED marker). `origin` adds `account_sid` (and a fleet target's `target`):
    what `plan` read and what `show` prints of a saved plan; a plan file keeps it beside this
    object, not in it.
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
