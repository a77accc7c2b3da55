"""Diff desired against live, order the changes, apply policy, render and save plans."""

from __future__ import annotations

from reconciler.config.loader import LoadedConfig
from reconciler.live.api import LiveApi
from reconciler.live.reader import LiveState, read_live
from reconciler.plan.diff import PlanOptions, build_plan
from reconciler.plan.model import Action, Change, FieldDiff, Guard, Plan


def plan_account(
    loaded: LoadedConfig, api: LiveApi, options: PlanOptions | None = None
) -> tuple[Plan, LiveState]:
    """Read the live account the config touches and compute the plan against it."""
    live = read_live(api, loaded.config, loaded.locate)
    return build_plan(loaded.config, live, options or PlanOptions()), live


__all__ = ["Action", "Change", "FieldDiff", "Guard", "Plan", "PlanOptions", "plan_account"]
