"""A fleet's saved plans: one plan file per target, and a manifest naming them.

`plan --all --out DIR` writes `DIR/<target>.plan.json` for every target it planned (the
single-account plan file, so `reconciler show` reads each one) and `DIR/fleet-plan.json`: the
targets file the plans came from (by path and digest) and the targets planned. `apply --plan
DIR` applies exactly those targets, each only if planning it now gives exactly its saved plan,
and asks nothing: the reviewed plans are the approval, as for one account. A target whose plan
no longer matches fails, naming the first difference, and the others go on.

Each target's plan file records the target's name and the account it was read from. Applied on
its own (`apply --plan DIR/<target>.plan.json`), it is applied as that target: with the
manifest beside it, its targets file, its credentials and its variables, exactly as `apply
--plan DIR` would apply that one target, never with the credentials of the environment.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from reconciler.atomic import write_atomically
from reconciler.config.models import Config
from reconciler.errors import ReconcilerError
from reconciler.fleet.model import TARGET_NAME
from reconciler.plan import Plan, PlanOptions
from reconciler.plan.model import Origin
from reconciler.plan.planfile import SavedPlan, StalePlanError, read_plan, save_plan

MANIFEST = "fleet-plan.json"
FLEET_PLAN_VERSION = 1
PLAN_SUFFIX = ".plan.json"


@dataclass
class TargetPlan:
    """What saving one target's plan needs."""

    name: str
    plan: Plan
    config: Config
    config_paths: list[str]
    options: PlanOptions
    account_sid: str | None
    """The account the target's plan was read from."""


@dataclass
class FleetPlans:
    """A folder of saved plans as read: where the targets file is, and which targets."""

    folder: Path
    targets_file: Path
    targets_digest: str
    targets: list[str]

    def plan_path(self, name: str) -> Path:
        return plan_path(self.folder, name)

    def read(self) -> dict[str, SavedPlan]:
        """Every target's saved plan (an unreadable one, or one saved for another target, is
        an error for the whole run: the folder is not what was reviewed)."""
        plans = {name: read_plan(self.plan_path(name)) for name in self.targets}
        for name, saved in plans.items():
            if saved.origin.target != name:
                planned = saved.origin.target
                raise ReconcilerError(
                    f"{saved.path}: saved "
                    + (f"for fleet target {planned}" if planned else "for one account")
                    + f", not for target {name} as {self.folder / MANIFEST} says; run "
                    "`reconciler plan --all --out` again"
                )
        return plans

    def check_targets_file(self, path: Path) -> None:
        """Refuse a targets file other than the one planned (its targets' configurations,
        variables and credentials are what the plans were made from)."""
        if file_digest(path) != self.targets_digest:
            raise StalePlanError(
                f"{self.folder / MANIFEST}: the targets file {path} changed since these plans "
                "were made; run `reconciler plan --all --out` again and review the new plans"
            )


def plan_path(folder: Path, name: str) -> Path:
    return folder / f"{name}{PLAN_SUFFIX}"


def file_digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as error:
        raise ReconcilerError(f"{path}: cannot read the targets file ({error.strerror})") from None


def save_fleet_plans(folder: Path, targets_file: Path, plans: Iterable[TargetPlan]) -> list[str]:
    """Write each target's plan file, then the manifest naming them (last, so a folder with a
    manifest is complete); plan files a previous run left for other targets are removed.
    Returns the names saved."""
    folder.mkdir(parents=True, exist_ok=True)
    previous = _previous_targets(folder)
    names: list[str] = []
    for item in plans:
        save_plan(
            plan_path(folder, item.name),
            item.plan,
            item.config,
            item.config_paths,
            item.options,
            Origin(item.account_sid, item.name),
        )
        names.append(item.name)
    resolved = targets_file.resolve()
    manifest = {
        "fleet_plan_version": FLEET_PLAN_VERSION,
        "targets_file": {
            "absolute": str(resolved),
            "relative": os.path.relpath(resolved, folder.resolve()),
        },
        "targets_digest": file_digest(targets_file),
        "targets": names,
    }
    write_atomically(folder / MANIFEST, json.dumps(manifest, indent=2) + "\n")
    for stale in previous - set(names):
        plan_path(folder, stale).unlink(missing_ok=True)
    return names


def read_fleet_plans(folder: Path) -> FleetPlans:
    manifest_path = folder / MANIFEST
    try:
        document = json.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReconcilerError(
            f"{folder}: holds no {MANIFEST}, so it is not a folder of fleet plans (write one "
            "with `reconciler plan --all --out DIR`)"
        ) from None
    except (OSError, ValueError):
        raise ReconcilerError(f"{manifest_path}: not a fleet plan manifest") from None
    try:
        if document["fleet_plan_version"] != FLEET_PLAN_VERSION:
            raise ValueError("version")
        entry = document["targets_file"]
        relative = os.path.normpath(os.path.join(folder, str(entry["relative"])))
        targets_file = Path(relative if os.path.exists(relative) else str(entry["absolute"]))
        targets = [str(name) for name in document["targets"]]
        if not all(TARGET_NAME.match(name) for name in targets):
            raise ValueError("target name")
        digest = str(document["targets_digest"])
    except (KeyError, TypeError, ValueError):
        raise ReconcilerError(
            f"{manifest_path}: the manifest is damaged, edited by hand or of another version; "
            "run `reconciler plan --all --out` again"
        ) from None
    return FleetPlans(folder, targets_file, digest, targets)


def target_plans(saved: SavedPlan) -> FleetPlans:
    """A fleet target's plan file applied on its own: the fleet's saved plans of its folder,
    narrowed to that target (so it applies with the target's credentials and variables). Refused
    when the file is not where the manifest beside it says that target's plan is."""
    name = saved.origin.target
    assert name is not None, "a fleet target's plan file"
    path = saved.path
    folder = path.parent
    again = (
        f"Apply it in the folder `plan --all --out DIR` wrote (`reconciler apply --plan "
        f"DIR/{name}{PLAN_SUFFIX}`, or `reconciler apply --plan DIR` for every target there), "
        f"or plan the target again (`reconciler plan --target {name} --out DIR`)."
    )
    if not (folder / MANIFEST).is_file():
        raise ReconcilerError(
            f"{path}: the saved plan of fleet target {name}, which applies only with that "
            f"target's credentials from its targets file, but {folder} holds no {MANIFEST} "
            f"naming the targets file. {again}"
        )
    plans = read_fleet_plans(folder)
    if name not in plans.targets or not plans.plan_path(name).resolve() == path.resolve():
        raise ReconcilerError(
            f"{path}: the saved plan of fleet target {name}, but {folder / MANIFEST} does not "
            f"name this file as its plan. {again}"
        )
    return FleetPlans(folder, plans.targets_file, plans.targets_digest, [name])


def _previous_targets(folder: Path) -> set[str]:
    try:
        return set(read_fleet_plans(folder).targets)
    except ReconcilerError:
        return set()
