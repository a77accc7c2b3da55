"""Diff desired against live, order the changes, apply policy, render and save plans."""

from __future__ import annotations

from reconciler.config.loader import LoadedConfig
from reconciler.live.api import LiveApi
from reconciler.live.neighbours import Targets, reading_neighbours
from reconciler.live.reader import LiveState, read_live
from reconciler.plan.diff import PlanOptions, build_plan
from reconciler.plan.model import Action, Change, FieldDiff, Guard, Plan
from reconciler.plan.neighbours import check_neighbours, count_conversations
from reconciler.plan.pin import check_account
from reconciler.plan.references import check_references


def plan_account(
    loaded: LoadedConfig,
    api: LiveApi,
    options: PlanOptions | None = None,
    for_apply: bool = False,
) -> tuple[Plan, LiveState]:
    """Read the live account the config touches and compute the plan against it.

    The account pin is checked before anything is read and again on what the API answers.
    `for_apply`: the plan is about to be applied, so a service or credential created in the
    server's current second is read again once it has passed (a concurrent run's twin may be
    arriving: `read_live`'s settle_twins); a plan only shown does not wait.
    """
    check_account(loaded, api.account_sid, "the credentials are for account")
    config = loaded.config
    targets = Targets.of(config)
    with reading_neighbours(api, targets) as neighbours_read:
        live = read_live(api, config, loaded.locate, settle_twins=for_apply)
    check_account(loaded, live.account_sid, "the API answers for account")
    check_references(config, live, loaded.locate)
    verdict = check_neighbours(targets, live, neighbours_read(), loaded.locate)
    plan = build_plan(
        config,
        live,
        options or PlanOptions(),
        count_conversations=lambda sids: count_conversations(api, sids),
    )
    plan.checks.extend([*verdict.warnings, *verdict.not_checked])
    return plan, live


__all__ = ["Action", "Change", "FieldDiff", "Guard", "Plan", "PlanOptions", "plan_account"]
