"""Desired against live: which resources to create, update, replace or delete, field by field."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from deepdiff import DeepDiff
from pydantic import SecretStr

from reconciler import kinds
from reconciler.config.models import Config
from reconciler.kinds import Kind, Resource
from reconciler.kinds.neighbours import ConversationCount, NotReadable
from reconciler.live.reader import LiveState
from reconciler.plan.model import Action, Change, FieldDiff, Kept, Plan
from reconciler.plan.order import level_of, sort_key
from reconciler.plan.policy import apply_policy, default_service_after
from reconciler.plan.select import parse_selectors, select


@dataclass(frozen=True)
class PlanOptions:
    rotate_secrets: bool = False
    """Re-send write-only secrets: they cannot be compared, so otherwise only create sets them."""
    only: tuple[str, ...] = ()
    """--only selectors: a partial plan of these config paths (see plan/select.py)."""


CountConversations = Callable[[list[str]], dict[str, "ConversationCount | NotReadable"]]


def build_plan(
    config: Config,
    live: LiveState,
    options: PlanOptions = PlanOptions(),
    count_conversations: CountConversations | None = None,
) -> Plan:
    """The changes that make the account match `config`. `count_conversations` reads how many
    conversations each service the plan deletes or replaces holds (one page each), so that the
    plan and its --allow-destroy refusal say what the deletion destroys."""
    changes: list[Change] = []
    notes: list[str] = []
    kept: list[Kept] = []
    replaced: set[str] = set()
    for kind in kinds.ALL_KINDS:
        changes.extend(_diff_kind(kind, config, live, options, notes, replaced, kept))
        if kind is kinds.SERVICE:
            replaced = {change.identity[0] for change in changes if change.action is Action.REPLACE}
    changes.sort(key=lambda change: sort_key(change.level, change.kind, change.key))
    if options.only:
        changes = select(changes, parse_selectors(options.only, config))
        notes.append(
            f"partial plan (--only {' '.join(options.only)}): changes outside the selection, "
            "deletions included, are neither shown nor applied"
        )
    plan = Plan(changes=changes, fingerprint=live.fingerprint(), notes=notes, kept=kept)
    if count_conversations is not None:
        _count_destroyed(plan.changes, count_conversations)
    apply_policy(plan, config, live)
    plan.changes.sort(key=lambda change: sort_key(change.level, change.kind, change.key))
    return plan


def _diff_kind(
    kind: Kind,
    config: Config,
    live: LiveState,
    options: PlanOptions,
    notes: list[str],
    replaced: set[str],
    kept: list[Kept],
) -> list[Change]:
    """`replaced`: keys of services this plan replaces. Their parts are planned as those of a
    new service (the old one's go with it), not compared with the old service's. `kept`
    collects what prune would delete but must not."""
    desired = kind.desired(config)
    if kind.parent == kinds.SERVICE.name and kind.name not in live.read_kinds:
        live_resources: list[Resource] = []
    else:
        live_resources = live.of(kind.name)
    if kind.parent and replaced:
        live_resources = [r for r in live_resources if r.identity[0] not in replaced]
    if kind is kinds.SERVICE:
        live_resources = live.services
        for wanted in desired:
            if wanted.identity[0] in live.bound:
                wanted.sid = live.bound[wanted.identity[0]].sid
    # A live resource without a name (Twilio's names are optional for some kinds) matches no
    # configured one, and shares its empty identity with any other: set apart, never twinned.
    wanted_identities = {wanted.identity for wanted in desired}
    nameless = [
        resource
        for resource in live_resources
        if resource.identity not in wanted_identities and kind.missing_name(resource)
    ]
    if nameless:
        apart = {id(resource) for resource in nameless}
        live_resources = [resource for resource in live_resources if id(resource) not in apart]
    # Twilio lets services and credentials share a name: each name manages its survivor (the
    # oldest, so concurrent runs agree); the twins are unmanaged, and pruned where allowed.
    # A list only for identities that repeat: not one for each of a large account's resources.
    by_identity: dict[tuple[str, ...], Resource] = {}
    groups: dict[tuple[str, ...], list[Resource]] = {}
    for resource in live_resources:
        first = by_identity.setdefault(resource.identity, resource)
        if first is not resource:
            groups.setdefault(resource.identity, [first]).append(resource)
    twins: dict[str, Resource] = dict(live.twins) if kind is kinds.SERVICE else {}
    for identity, group in groups.items():
        oldest = kinds.survivor(group)
        by_identity[identity] = oldest
        twins.update({str(twin.sid): oldest for twin in group if twin is not oldest})
    duplicates = [resource for resource in live_resources if str(resource.sid) in twins]
    if twins and kind.prune_name not in config.policy.prune:
        notes.extend(twin_notes(kind, twins))
    changes: list[Change] = []
    for wanted in desired:
        parent_key = wanted.identity[0] if kind.parent else None
        parent = live.bound.get(parent_key) if parent_key else None
        if kind.parent and (parent is None or parent_key in replaced):
            changes.append(_under_new_service(kind, wanted, parent_key))
            continue
        have = by_identity.pop(wanted.identity, None)
        if have is None:
            changes.append(_create(kind, wanted, parent_key, parent))
            continue
        change = _compare(kind, wanted, have, live, parent_key, options)
        if change is not None:
            changes.append(change)
    if kind is kinds.SERVICE:
        changes.extend(_finish_replaces(live))
        superseded = {str(old.sid) for old in live.superseded.values()}
        duplicates = [twin for twin in duplicates if str(twin.sid) not in superseded]
        by_identity = {i: r for i, r in by_identity.items() if str(r.sid) not in superseded}
    if kind.prune_name is None or kind.prune_name not in config.policy.prune:
        return changes
    unmatched = {
        str(resource.sid): resource for resource in [*by_identity.values(), *duplicates, *nameless]
    }
    keeping = _Keeping(kind, config, live, {kind.type_of(resource) for resource in desired})
    prunable = []
    for resource in unmatched.values():
        if resource.built_in:
            continue
        reason = keeping.reason(resource)
        if reason is None:
            prunable.append(resource)
        else:
            parent_key = resource.identity[0] if kind.parent else None
            kept.append(Kept(kind.name, resource.display, resource.sid, reason, parent_key))
    changes.extend(_prunes(kind, prunable, twins))
    return changes


def _count_destroyed(changes: list[Change], count: CountConversations) -> None:
    """Each deleted or replaced service's conversations, in its reasons and for the guard."""
    doomed = [
        change
        for change in changes
        if change.kind == kinds.SERVICE.name
        and change.action in (Action.DELETE, Action.REPLACE)
        and change.sid
    ]
    if not doomed:
        return
    counts = count([str(change.sid) for change in doomed])
    for change in doomed:
        found = counts[str(change.sid)]
        if isinstance(found, NotReadable):
            change.reasons.append(f"its conversations were not counted: {found} (not checked)")
        else:
            change.conversations = found
            change.reasons.append(f"holds {found}, which the {change.action.value} destroys")


DEFAULT_SERVICE_KEPT = "the account's default service, which Twilio refuses to delete"


class _Keeping:
    """Why prune must keep an unmanaged live resource of one kind, or None when it may delete
    it; what every resource is checked against is worked out once.

    The account's default service, now or after the plan, is never deleted (the one that is
    the default when the plan starts may be deleted by a later run, once it no longer is). A
    resource without a name is kept: no configuration can name it, so prune would delete it
    whatever the configuration says. A resource of a type this version does not know is kept
    unless the configuration uses that type or policy.prune_unknown_types says so: a version
    that cannot read a resource fully must not be the one to destroy it.
    """

    def __init__(
        self, kind: Kind, config: Config, live: LiveState, used_types: set[str | None]
    ) -> None:
        self.kind = kind
        self.used_types = used_types
        self.prune_unknown = config.policy.prune_unknown_types
        self.defaults = (
            {live.default_service_sid, default_service_after(config, live)}
            if kind is kinds.SERVICE
            else set()
        )

    def reason(self, resource: Resource) -> str | None:
        if resource.sid in self.defaults:
            return DEFAULT_SERVICE_KEPT
        missing = self.kind.missing_name(resource)
        if missing is not None:
            return (
                f"it has no {missing}, so it has no name the configuration could use; prune "
                "keeps it (name it in Twilio to manage it)"
            )
        kind_type = self.kind.type_of(resource)
        if (
            not self.kind.type_is_known(resource)
            and kind_type not in self.used_types
            and not self.prune_unknown
        ):
            return (
                f"type {kind_type!r} is not one this version knows, so prune keeps it "
                "(a configuration that uses the type, or policy.prune_unknown_types: true, "
                "lets prune delete it)"
            )
        return None


def _finish_replaces(live: LiveState) -> list[Change]:
    """A rename cut short after its create: delete the old service, nothing else."""
    changes = []
    for key, old in live.superseded.items():
        replacement = live.bound[key]
        changes.append(
            _change(
                kinds.SERVICE,
                Action.DELETE,
                old,
                sid=old.sid,
                diffs=[
                    _field_diff(kinds.SERVICE, "friendly_name", old.values["friendly_name"], None)
                ],
                reasons=[
                    f"finishes an interrupted replace of services.{key}: {replacement.sid} "
                    f"already carries the new name; pin it with `sid: {replacement.sid}`"
                ],
            )
        )
    return changes


def twin_notes(kind: Kind, twins: dict[str, Resource]) -> list[str]:
    """What to do about same-named live resources when policy does not prune them."""
    by_survivor: dict[str, list[str]] = {}
    kept_names: dict[str, str] = {}
    for twin_sid, kept in twins.items():
        by_survivor.setdefault(str(kept.sid), []).append(twin_sid)
        kept_names[str(kept.sid)] = (
            kept.identity[-1]
            if kind is not kinds.SERVICE
            else str(kept.values.get("friendly_name"))
        )
    # only services can be pinned to a SID in the configuration
    advice = (
        f"Pin the one to manage with `sid:`, or add {kind.prune_name} to policy.prune to delete "
        "the newer twins."
        if kind is kinds.SERVICE
        else f"Add {kind.prune_name} to policy.prune to delete the newer twins, or delete the "
        "one you do not want by hand."
    )
    notes = []
    for kept_sid, others in sorted(by_survivor.items()):
        others_text = ", ".join(sorted(others))
        notes.append(
            f"{len(others) + 1} live {kind.name}s are named {kept_names[kept_sid]!r}: managing "
            f"the oldest, {kept_sid}; leaving {others_text} alone. {advice}"
        )
    return notes


def _in_field_order(kind: Kind, names: list[str]) -> list[str]:
    return [spec.name for spec in kind.fields if spec.name in names]


def _ordered(kind: Kind, values: dict[str, Any]) -> dict[str, Any]:
    return {name: values[name] for name in _in_field_order(kind, list(values))}


def _change(kind: Kind, action: Action, resource: Resource, **details: Any) -> Change:
    """A change to `resource`, placed at its dependency level."""
    return Change(
        action=action,
        kind=kind.name,
        identity=resource.identity,
        label=resource.display,
        level=level_of(kind.name, action),
        source=resource.source,
        **details,
    )


def _create(
    kind: Kind, wanted: Resource, parent_key: str | None, parent: Resource | None
) -> Change:
    diffs = [
        _field_diff(kind, name, None, value)
        for name, value in _ordered(kind, wanted.values).items()
    ]
    return _change(
        kind,
        Action.CREATE,
        wanted,
        parent_key=parent_key,
        parent_sid=parent.sid if parent else None,
        send=dict(wanted.values),
        diffs=diffs,
    )


def _under_new_service(kind: Kind, wanted: Resource, parent_key: str | None) -> Change:
    """The service does not exist yet: its settings and built-in roles appear when it is created,
    so they are updated after the create with values that cannot be compared now."""
    if not (kind.singleton or wanted.built_in):
        return _create(kind, wanted, parent_key, None)
    send = {
        name: value
        for name, value in _ordered(kind, wanted.values).items()
        if not kind.field(name).immutable
    }
    diffs = [
        _field_diff(kind, name, None, value, before_known=False) for name, value in send.items()
    ]
    return _change(
        kind,
        Action.UPDATE,
        wanted,
        parent_key=parent_key,
        send=send,
        diffs=diffs,
        built_in=wanted.built_in,
    )


def _compare(
    kind: Kind,
    wanted: Resource,
    have: Resource,
    live: LiveState,
    parent_key: str | None,
    options: PlanOptions,
) -> Change | None:
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    secrets: list[str] = []
    for name, value in wanted.values.items():
        spec = kind.field(name)
        if spec.write_only:
            if options.rotate_secrets and value is not None:
                secrets.append(name)
            continue
        live_value = have.values.get(name)
        if spec.reference is not None:
            value = live.to_name(spec.reference, value, parent_key)
            live_value = live.to_name(spec.reference, live_value, parent_key)
        after[name] = spec.compare.normalize(value)
        before[name] = spec.compare.normalize(live_value)
    if not secrets and _same(before, after):
        return None  # the common case, without building a DeepDiff for every resource
    affected = {str(key) for key in DeepDiff(before, after).affected_root_keys}
    changed = [spec.name for spec in kind.fields if spec.name in affected]
    if not changed and not secrets:
        return None
    replace_reasons = [
        f"{name} cannot be changed in place: forces replacement"
        for name in changed
        if kind.field(name).immutable
    ]
    action = Action.REPLACE if replace_reasons else Action.UPDATE
    diffs = [_field_diff(kind, name, before[name], after[name]) for name in changed]
    diffs += [_field_diff(kind, name, None, wanted.values[name]) for name in secrets]
    send_names = list(wanted.values) if action is Action.REPLACE else changed + secrets
    send = {name: wanted.values[name] for name in _in_field_order(kind, send_names)}
    return _change(
        kind,
        action,
        wanted,
        sid=have.sid,
        parent_key=parent_key,
        parent_sid=have.parent_sid,
        send=send,
        diffs=diffs,
        reasons=replace_reasons,
    )


def _same(left: Any, right: Any) -> bool:
    """Equal values of equal types all the way down (so True is not 1, as for DeepDiff)."""
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        return left.keys() == right.keys() and all(_same(left[k], right[k]) for k in left)
    if isinstance(left, list):
        return len(left) == len(right) and all(map(_same, left, right))
    return bool(left == right)


def _prunes(kind: Kind, prunable: list[Resource], twins: dict[str, Resource]) -> list[Change]:
    """A delete of each resource policy.prune may delete (the caller has set aside what it
    keeps)."""
    changes = []
    for resource in prunable:
        diffs = [
            _field_diff(kind, name, value, None)
            for name, value in resource.values.items()
            if value is not None
        ]
        changes.append(
            _change(
                kind,
                Action.DELETE,
                resource,
                sid=resource.sid,
                parent_key=resource.identity[0] if kind.parent else None,
                parent_sid=resource.parent_sid,
                diffs=diffs,
                reasons=_twin_reason(resource, twins),
            )
        )
    return changes


def _twin_reason(resource: Resource, twins: dict[str, Resource]) -> list[str]:
    kept = twins.get(str(resource.sid))
    if kept is None:
        return []
    return [f"a newer twin of {kept.sid} (same name); the oldest is kept"]


def _field_diff(
    kind: Kind, name: str, before: Any, after: Any, before_known: bool = True
) -> FieldDiff:
    spec = kind.field(name)
    sensitive = spec.write_only or isinstance(after, SecretStr)
    if not spec.write_only:
        before = spec.compare.normalize(before)
        after = spec.compare.normalize(after)
    return FieldDiff(
        name=name, before=before, after=after, sensitive=sensitive, before_known=before_known
    )
