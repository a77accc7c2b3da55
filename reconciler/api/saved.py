"""Saved plans, read back offline: one account's plan file, or a fleet's folder of them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from reconciler.api.fleet import show_fleet
from reconciler.api.results import FleetResult, SavedPlanView

if TYPE_CHECKING:
    from reconciler.plan.planfile import SavedPlan


def read_plan_file(path: str | Path) -> SavedPlan:
    """A plan file written by `plan(out=...)` (ReconcilerError when it is not one)."""
    from reconciler.plan.planfile import read_plan

    return read_plan(Path(path))


def show(path: str | Path | SavedPlan) -> SavedPlanView | FleetResult:
    """A saved plan, offline: one plan file (or one read already), or (a folder of a fleet's
    plans) the fleet's plan report."""
    from reconciler.plan.planfile import SavedPlan

    if isinstance(path, SavedPlan):
        return SavedPlanView(path.plan(), path.origin)
    if Path(path).is_dir():
        return show_fleet(path)
    return show(read_plan_file(path))
