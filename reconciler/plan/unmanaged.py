"""`plan --show-unmanaged`: what lives in the account that the configuration does not manage.

octoDNS calls them "extra" records. They are found by planning once more with every kind
pruned and keeping only the deletions: exactly what `policy.prune` would delete if it were
turned on. The plan itself comes from its own, ordinary read, so it does not change. The list
is shown by `reconciler.output.unmanaged` (and as JSON, `unmanaged_json`'s records).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, get_args

from reconciler import kinds
from reconciler.config.loader import LoadedConfig
from reconciler.config.models import PrunableKind
from reconciler.kinds import KINDS_BY_NAME
from reconciler.live.api import LiveApi
from reconciler.live.reader import read_live
from reconciler.plan.diff import PlanOptions, build_plan
from reconciler.plan.model import Action

ALL_PRUNABLE: list[PrunableKind] = list(get_args(PrunableKind))


@dataclass(frozen=True)
class Unmanaged:
    """One live resource the configuration does not name."""

    kind: str
    key: str
    sid: str | None
    service: str | None
    pruned: bool
    """Whether the configuration's policy.prune already deletes this kind (then the plan does)."""
    kept: str | None = None
    """Why prune never deletes it, whatever the policy (the account's default service, a
    resource of a type this version does not know)."""

    @property
    def prune_name(self) -> str:
        return str(KINDS_BY_NAME[self.kind].prune_name)


def find_unmanaged(loaded: LoadedConfig, api: LiveApi) -> list[Unmanaged]:
    config = loaded.config
    everything = config.model_copy(
        update={"policy": config.policy.model_copy(update={"prune": ALL_PRUNABLE})}
    )
    live = read_live(api, everything, loaded.locate)
    plan = build_plan(everything, live, PlanOptions())
    pruned = set(config.policy.prune)
    found = [
        Unmanaged(
            change.kind,
            change.key,
            change.sid,
            change.parent_key,
            KINDS_BY_NAME[change.kind].prune_name in pruned,
        )
        for change in plan.changes
        if change.action is Action.DELETE
    ]
    services_first = sorted(plan.kept, key=lambda kept: kept.kind != kinds.SERVICE.name)
    kept = [
        Unmanaged(item.kind, item.key, item.sid, item.service, False, item.reason)
        for item in services_first
    ]
    return [*kept, *found]


def unmanaged_json(items: list[Unmanaged]) -> list[dict[str, Any]]:
    return [
        {
            "kind": item.kind,
            "key": item.key,
            "sid": item.sid,
            "service": item.service,
            "pruned": item.pruned,
            "prune_name": item.prune_name,
            "kept": item.kept,
        }
        for item in items
    ]
