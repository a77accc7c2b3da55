"""Each side as a view of what it manages, and the field-by-field comparison of two views.

A configuration's view is its kinds' `desired()` resources: the fields it sets, nothing else. A
live account's view is read for the configuration it is compared with (as a plan reads it):
for each resource that configuration manages, the live resource with the same identity and the
same fields; and, for the kinds that configuration prunes, the live resources it does not name
(those are the ones a plan would delete). So a live account never differs by what nobody
manages.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reconciler import kinds
from reconciler.config.loader import DEFERRED_ACCOUNT, LoadedConfig
from reconciler.config.models import Config
from reconciler.kinds import Field, Identity, Kind, Reference, Resource
from reconciler.live.api import LiveApi
from reconciler.live.reader import LiveState, read_live
from reconciler.plan.model import Action, Change, FieldDiff, count_actions
from reconciler.plan.pin import pinned_account
from reconciler.plan.policy import default_service_after

KIND_ORDER = {kind.name: index for index, kind in enumerate(kinds.ALL_KINDS)}
Resolve = Callable[[Reference, Any, str | None], Any]
View = dict[str, dict[tuple[str, ...], Resource]]
"""Kind name -> match key -> resource whose `values` hold exactly the fields the side manages."""


@dataclass(frozen=True)
class Side:
    """One side as the output names it: a configuration (its paths) or a live account."""

    name: str
    """"A" or "B"."""
    paths: tuple[str, ...] = ()
    live: bool = False
    account_sid: str | None = None

    def describe(self) -> str:
        if self.live:
            return f"live account {self.account_sid or '(unknown)'}"
        return " + ".join(self.paths)


@dataclass
class FieldDifference(FieldDiff):
    """A field that differs between A (before) and B (after).

    Two configurations may disagree on whether a field is managed at all: `before_managed` /
    `after_managed` say which side sets it (the other's value is then None, and means nothing).
    """

    before_managed: bool = True
    after_managed: bool = True


@dataclass
class Comparison:
    """What differs from side A to side B, as plan changes: create is only in B, delete only in
    A, update and replace differ in fields (replace: one Twilio cannot change in place)."""

    a: Side
    b: Side
    changes: list[Change]
    notes: list[str] = field(default_factory=list)

    @property
    def summary(self) -> dict[str, int]:
        return count_actions(self.changes)

    @property
    def same(self) -> bool:
        return not self.changes


def compare_configs(a: LoadedConfig, b: LoadedConfig, side_a: Side, side_b: Side) -> Comparison:
    """Two configurations, offline: references are compared as written (names, or raw SIDs)."""
    changes, notes = _compare(
        _config_view(a.config), _config_view(b.config), _as_written, live_side=None
    )
    return Comparison(side_a, side_b, changes, notes)


def compare_with_live(
    loaded: LoadedConfig, api: LiveApi, config_side: Side, live_name: str
) -> Comparison:
    """A configuration against the account `api` reaches, which is side `live_name` ("A" or
    "B"). Read-only: nothing is written, and the account pin does not refuse another account
    (comparing with one is the point); services pinned by SID are then matched by name."""
    config, notes = _for_account(loaded, api.account_sid, config_side.name)
    live = read_live(api, config, loaded.locate)
    desired = _config_view(config)
    found = _live_view(config, live, desired)
    live_side = Side(live_name, live=True, account_sid=live.account_sid or api.account_sid)
    if live_name == "A":
        changes, more = _compare(found, desired, live.to_name, live_side="A")
        return Comparison(live_side, config_side, changes, notes + more)
    changes, more = _compare(desired, found, live.to_name, live_side="B")
    return Comparison(config_side, live_side, changes, notes + more)


def _for_account(loaded: LoadedConfig, reached: str | None, name: str) -> tuple[Config, list[str]]:
    """The configuration to read the account for: SID pins of services belong to the pinned
    account, so against another account they are dropped (with a note) and names match."""
    pinned = pinned_account(loaded)
    config = loaded.config
    if pinned is None or pinned == DEFERRED_ACCOUNT or reached is None:
        return config, []
    if pinned.lower() == reached.lower():
        return config, []
    dropped = sorted(key for key, service in config.services.items() if service.sid)
    if not dropped:
        return config, []
    services = {
        key: service.model_copy(update={"sid": None}) for key, service in config.services.items()
    }
    note = (
        f"{name} is pinned to account {pinned}, not {reached}: its services pinned by SID "
        f"({', '.join(dropped)}) are matched by name"
    )
    return config.model_copy(update={"services": services}), [note]


def _config_view(config: Config) -> View:
    return {
        kind.name: {resource.identity: resource for resource in kind.desired(config)}
        for kind in kinds.ALL_KINDS
    }


def _live_view(config: Config, live: LiveState, desired: View) -> View:
    """The live resources the configuration manages (restricted to its fields), and those of
    the kinds it prunes that it does not name; same-named twins of a managed resource count as
    not named (the oldest is the one managed, as in a plan)."""
    view: View = {}
    default_service = default_service_after(config, live)
    for kind in kinds.ALL_KINDS:
        wanted = desired[kind.name]
        present = live.services if kind is kinds.SERVICE else live.of(kind.name)
        groups: dict[Identity, list[Resource]] = {}
        others: list[Resource] = []
        for resource in present:
            if resource.identity not in wanted and kind.missing_name(resource):
                others.append(resource)  # no name: matches nothing, twins nothing
            else:
                groups.setdefault(resource.identity, []).append(resource)
        chosen: dict[tuple[str, ...], Resource] = {}
        for identity, group in groups.items():
            kept = kinds.survivor(group) if len(group) > 1 else group[0]
            if identity in wanted:
                chosen[identity] = _restricted(kept, wanted[identity])
                others += [resource for resource in group if resource is not kept]
            else:
                others += group
        if kind.prune_name is None or kind.prune_name not in config.policy.prune:
            view[kind.name] = chosen
            continue
        for resource in others:
            if resource.built_in or (kind is kinds.SERVICE and resource.sid == default_service):
                continue
            key, label, identity = resource.identity, resource.label, resource.identity
            if kind.missing_name(resource):  # identified and shown by its SID
                key = identity = kind.identity_by_sid(resource)
                label = resource.display
            elif key in chosen or key in wanted:  # a twin: never matches a configured identity
                key, label = (*key, f"#{resource.sid}"), f"{resource.display} ({resource.sid})"
            chosen[key] = Resource(
                kind=resource.kind,
                identity=identity,
                values={name: v for name, v in resource.values.items() if v is not None},
                sid=resource.sid,
                parent_sid=resource.parent_sid,
                label=label,
            )
        view[kind.name] = chosen
    return view


def _restricted(live: Resource, wanted: Resource) -> Resource:
    """The live resource with exactly the fields the configuration manages (write-only ones,
    which the API never returns, as None)."""
    return Resource(
        kind=live.kind,
        identity=wanted.identity,
        values={name: live.values.get(name) for name in wanted.values},
        sid=live.sid,
        parent_sid=live.parent_sid,
        label=wanted.label,
    )


def _as_written(reference: Reference, value: Any, service_key: str | None) -> Any:
    return value


def _compare(
    a: View, b: View, resolve: Resolve, live_side: str | None
) -> tuple[list[Change], list[str]]:
    changes: list[Change] = []
    uncompared: list[str] = []
    for kind in kinds.ALL_KINDS:
        left, right = a[kind.name], b[kind.name]
        for key in sorted({*left, *right}):
            here, there = left.get(key), right.get(key)
            change: Change | None
            if here is None and there is not None:
                change = _one_side(kind, there, Action.CREATE, resolve, live_side == "B")
            elif there is None and here is not None:
                change = _one_side(kind, here, Action.DELETE, resolve, live_side == "A")
            elif here is not None and there is not None:
                change = _both(kind, here, there, resolve, live_side, uncompared)
            else:  # pragma: no cover - a key comes from one of the two
                change = None
            if change is not None:
                changes.append(change)
    changes.sort(key=lambda change: (KIND_ORDER[change.kind], change.key))
    notes = []
    if uncompared:
        notes.append(
            "write-only secrets are never compared (Twilio never returns them): "
            + ", ".join(uncompared)
        )
    return changes, notes


def _value(kind: Kind, spec: Field, resource: Resource, resolve: Resolve) -> Any:
    """A field's value as compared: references as names where one is known, normalized."""
    value = resource.values.get(spec.name)
    if spec.reference is not None:
        value = resolve(spec.reference, value, resource.identity[0] if kind.parent else None)
    return spec.compare.normalize(value)


def _same(before: Any, after: Any) -> bool:
    """Equal as JSON (so `true` and `1` differ, as they do to Twilio)."""
    return json.dumps(before, sort_keys=True, default=str) == json.dumps(
        after, sort_keys=True, default=str
    )


def _change(
    kind: Kind,
    action: Action,
    resource: Resource,
    diffs: list[FieldDiff],
    sid: str | None,
    reasons: list[str] | None = None,
) -> Change:
    return Change(
        action=action,
        kind=kind.name,
        identity=resource.identity,
        label=resource.display,
        level=KIND_ORDER[kind.name],
        sid=sid,
        parent_key=resource.identity[0] if kind.parent else None,
        diffs=diffs,
        reasons=reasons or [],
    )


def _one_side(
    kind: Kind, resource: Resource, action: Action, resolve: Resolve, live: bool
) -> Change:
    """A resource only one side has: every field it manages, secrets as sensitive."""
    diffs: list[FieldDiff] = []
    for spec in kind.fields:
        if spec.name not in resource.values:
            continue
        if spec.write_only:
            diffs.append(FieldDifference(spec.name, None, None, sensitive=True))
            continue
        value = _value(kind, spec, resource, resolve)
        before, after = (value, None) if action is Action.DELETE else (None, value)
        diffs.append(FieldDifference(spec.name, before, after))
    return _change(kind, action, resource, diffs, resource.sid if live else None)


def _both(
    kind: Kind,
    here: Resource,
    there: Resource,
    resolve: Resolve,
    live_side: str | None,
    uncompared: list[str],
) -> Change | None:
    """A resource both sides have: the fields either manages that differ."""
    diffs: list[FieldDiff] = []
    forced: list[str] = []
    shown = there if live_side == "A" else here
    for spec in kind.fields:
        in_a, in_b = spec.name in here.values, spec.name in there.values
        if not (in_a or in_b):
            continue
        if spec.write_only:
            if in_a and in_b:
                uncompared.append(f"{kind.name} {shown.display} {spec.name}")
            else:
                diffs.append(
                    FieldDifference(
                        spec.name,
                        None,
                        None,
                        sensitive=True,
                        before_managed=in_a,
                        after_managed=in_b,
                    )
                )
            continue
        before = _value(kind, spec, here, resolve) if in_a else None
        after = _value(kind, spec, there, resolve) if in_b else None
        if in_a and in_b:
            if _same(before, after):
                continue
            if spec.immutable:
                forced.append(spec.name)
        diffs.append(
            FieldDifference(spec.name, before, after, before_managed=in_a, after_managed=in_b)
        )
    if not diffs:
        return None
    live = {"A": here, "B": there}.get(live_side or "")
    reasons = [
        f"{name} cannot be changed in place: making A match B replaces the {kind.name}"
        for name in forced
    ]
    action = Action.REPLACE if forced else Action.UPDATE
    return _change(kind, action, shown, diffs, live.sid if live else None, reasons)
