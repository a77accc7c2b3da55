"""A plan as findings: each change becomes a notice on the line of the config that causes it.

With `plan --format github`, reviewers then see on the pull request's diff which lines change
the live account, and how. Values are never shown (they may be secrets): only field names.
Deletions have no line in the config (the config no longer names the resource), so their notices
are not attached to a file; guards (what apply will refuse without a flag) and the checks of
other products are warnings, what prune keeps a notice. `reconciler.output.findings.github`
prints them as workflow commands.
"""

from __future__ import annotations

from reconciler.config import LoadedConfig
from reconciler.config.validation import describe
from reconciler.findings.model import Finding, Rule, register
from reconciler.plan.model import SYMBOLS, VERBS, Action, Change, Plan, ProductCheck

PLAN_CHANGE = Rule(
    id="plan-change",
    title="Planned change",
    description="Applying this configuration changes the live account here.",
    default_severity="notice",
    tags=("plan",),
)
PLAN_GUARD = Rule(
    id="plan-guard",
    title="Apply needs a flag",
    description="apply refuses this plan unless the flag named is given (or at all).",
    default_severity="warning",
    tags=("plan",),
)
PLAN_KEPT = Rule(
    id="plan-kept",
    title="Kept by prune",
    description="policy.prune would delete this live resource, but the plan keeps it (a type "
    "this version does not know, the account's default service).",
    default_severity="notice",
    tags=("plan",),
)
PLAN_CHECK = Rule(
    id="plan-check",
    title="Other product",
    description="What the plan found in a product the configuration points at (a Studio Flow "
    "not published, an SMS address that is not the account's, a check not made).",
    default_severity="warning",
    tags=("plan",),
)
register(PLAN_CHANGE, PLAN_GUARD, PLAN_KEPT, PLAN_CHECK)


def _change_finding(change: Change, loaded: LoadedConfig) -> Finding:
    fields = [diff.name for diff in change.diffs]
    text = f"{SYMBOLS[change.action]} {change.kind} {change.key} {VERBS[change.action]}"
    if fields and change.action is not Action.CREATE:
        text += ": " + ", ".join(fields)
    if change.reasons:
        text += " (" + "; ".join(change.reasons) + ")"
    if not change.source:
        return Finding(PLAN_CHANGE.id, "notice", text)
    target = change.source
    if change.action in (Action.UPDATE, Action.REPLACE) and fields:
        # A nested field is named with dots (`new_message.template`), one key per level in
        # the config: located whole, it would fall back to its section's line.
        target = (*change.source, *fields[0].split("."))
    where = loaded.where(target)
    if where is None:
        return Finding(PLAN_CHANGE.id, "notice", text, path=describe(change.source))
    return Finding(PLAN_CHANGE.id, "notice", text, where[0], where[1], path=describe(target))


def plan_findings(plan: Plan, loaded: LoadedConfig) -> list[Finding]:
    """A notice per change (at its config line where it has one), a warning per guard and per
    check of another product, a notice per resource prune keeps."""
    findings = [_change_finding(change, loaded) for change in plan.changes]
    for guard in plan.guards:
        needs = f" (apply needs {guard.flag})" if guard.flag else " (apply refuses it)"
        findings.append(Finding(PLAN_GUARD.id, "warning", guard.message + needs))
    for kept in plan.kept:
        text = f"kept {kept.kind} {kept.key}: {kept.reason}"
        findings.append(Finding(PLAN_KEPT.id, "notice", text))
    findings += [_check_finding(check, loaded) for check in plan.checks]
    return findings


def _check_finding(check: ProductCheck, loaded: LoadedConfig) -> Finding:
    """A check of another product, on the line of the value it is about."""
    where = loaded.where(check.path) if check.path else None
    if where is None:
        return Finding(PLAN_CHECK.id, "warning", check.message)
    return Finding(
        PLAN_CHECK.id, "warning", check.message, where[0], where[1], path=describe(check.path)
    )
