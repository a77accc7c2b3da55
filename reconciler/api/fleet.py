"""The fleet functions of the API: validate, plan, apply, export and show over many targets,
and the merge of the reports of a fleet split across CI jobs.

Each runs the fleet layer (`reconciler.fleet`: one account's pipeline per target, `parallel`
targets at once) over the targets a `Selection` picks from a targets file, and returns one
`FleetResult`. A target that fails is a failed target in the report, not an exception; the
exceptions are for the run itself (an unreadable targets file, stale saved plans).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reconciler.api.account import Approve, Connect, Where, as_connect, send
from reconciler.api.results import FleetResult, Message, Notify, StepDone
from reconciler.errors import ReconcilerError
from reconciler.fleet.model import DEFAULT_PARALLEL, DEFAULT_TARGETS_FILE
from reconciler.fleet.select import Shard, parse_shard

if TYPE_CHECKING:
    from reconciler.apply import StepResult
    from reconciler.fleet.pipeline import FleetRun, RunSettings, Session
    from reconciler.fleet.planfiles import FleetPlans
    from reconciler.fleet.report import FleetReport
    from reconciler.plan import PlanOptions


@dataclass(frozen=True)
class Selection:
    """Which targets of which targets file a fleet function runs over.

    `targets` are names or globs (`tenant-*`), none meaning every target; `shard` ("K/N")
    keeps the K-th of N shares of those (one CI job each); `parallel` targets run at once."""

    targets_file: str | Path | None = None
    """The targets file (default reconciler-targets.yaml in the working directory)."""
    targets: tuple[str, ...] = ()
    shard: str | Shard | None = None
    parallel: int = DEFAULT_PARALLEL

    @property
    def parsed_shard(self) -> Shard | None:
        return parse_shard(self.shard) if isinstance(self.shard, str) else self.shard

    @property
    def shard_label(self) -> str | None:
        shard = self.parsed_shard
        return str(shard) if shard else None


def validate_fleet(
    selection: Selection | None = None,
    *,
    strict: bool = False,
    report_file: str | Path | None = None,
    notify: Notify | None = None,
) -> FleetResult:
    """Check every selected target's configuration offline, as `validate` checks one."""
    from reconciler.fleet.pipeline import RunSettings

    selection = selection or Selection()
    settings = RunSettings(parallel=selection.parallel, strict=strict)
    with _run(selection, settings, notify) as run:
        report = run.report("validate", run.validate(), selection.shard_label)
    return _finish(FleetResult(report), report_file)


def plan_fleet(
    selection: Selection | None = None,
    connect: Where = None,
    *,
    rotate_secrets: bool = False,
    only: Sequence[str] = (),
    show_unmanaged: bool = False,
    out: str | Path | None = None,
    report_file: str | Path | None = None,
    notify: Notify | None = None,
) -> FleetResult:
    """Plan every selected target with its own credentials and variables; `out` is a folder
    for one plan file per target and a manifest (`apply_fleet(plans=out)`)."""
    from reconciler.plan import PlanOptions

    selection = selection or Selection()
    with (
        _settings(connect, selection.parallel) as settings,
        _run(selection, settings, notify) as run,
    ):
        options = PlanOptions(rotate_secrets=rotate_secrets, only=tuple(only))
        sessions = run.plan(options)
        if show_unmanaged:
            run.show_unmanaged(sessions)
        for session in sessions:
            session.close()
        report = run.report("plan", [s.result for s in sessions], selection.shard_label)
        if out:
            _save_plans(Path(out), run, sessions, options, notify)
    planned = [
        (session.target.name, session.result.plan, session.loaded)
        for session in sessions
        if session.result.plan is not None and session.loaded is not None
    ]
    return _finish(FleetResult(report, planned=planned), report_file)


def apply_fleet(
    selection: Selection | None = None,
    connect: Where = None,
    *,
    plans: str | Path | FleetPlans | None = None,
    allow_destroy: bool = False,
    force: bool = False,
    rotate_secrets: bool = False,
    only: Sequence[str] = (),
    approve: Approve | None = None,
    report_file: str | Path | None = None,
    notify: Notify | None = None,
) -> FleetResult:
    """Plan every target, ask `approve` once for the fleet, apply the targets concurrently.

    With `plans` (the folder `plan_fleet(out=...)` wrote, or one target's plan file): exactly
    the targets planned there, each only if planning it now gives its saved plan, and no
    question: the saved plans are the approval. `notify` sees the fleet's plan (a FleetResult
    of command "plan") before any write, and every step (`StepDone`, from several threads)."""
    from reconciler.plan import PlanOptions
    from reconciler.plan.policy import ALLOW_DESTROY, FORCE

    selection = selection or Selection()
    saved = _saved_plans(plans)
    flags = {flag for flag, given in ((ALLOW_DESTROY, allow_destroy), (FORCE, force)) if given}
    label = selection.shard_label
    with (
        _settings(connect, selection.parallel) as settings,
        _run(selection, settings, notify, saved) as run,
    ):
        sessions = run.plan(
            PlanOptions(rotate_secrets=rotate_secrets, only=tuple(only)),
            saved=saved.read() if saved else None,
            for_apply=True,
        )
        try:
            planned = run.report("plan", [session.result for session in sessions], label)
            send(notify, FleetResult(planned))
            if not planned.changed:
                done = FleetResult(
                    run.report("apply", planned.targets, label), nothing_to_apply=True
                )
                return _finish(done, report_file)
            count = len(planned.changed)
            question = f"Apply these changes to {count} target{'s' if count != 1 else ''}?"
            if saved is None and approve is not None and not approve(question):
                raise ReconcilerError("apply cancelled; nothing was changed")
            results = run.apply(sessions, flags, progress=_progress(notify))
        finally:
            for session in sessions:
                session.close()
        report = run.report("apply", results, label)
    return _finish(FleetResult(report), report_file)


def export_fleet(
    selection: Selection | None = None,
    connect: Where = None,
    *,
    out_dir: str | Path,
    subaccounts: bool = False,
    report_file: str | Path | None = None,
    notify: Notify | None = None,
) -> FleetResult:
    """Export every selected target to OUT_DIR/<target>/conversations.yaml; `subaccounts`
    instead adopts every active subaccount of the parent (the TWILIO_* credentials), with a
    targets file naming them (the selection's targets and shard do not apply)."""
    selection = selection or Selection()
    folder = Path(out_dir)
    with _settings(connect, selection.parallel) as settings:
        if subaccounts:
            report = _adopt(settings, folder, notify)
        else:
            with _run(selection, settings, notify) as run:
                report = run.report("export", run.export(folder), selection.shard_label)
    return _finish(FleetResult(report), report_file)


def merge_fleet_reports(reports: Sequence[str | Path]) -> FleetResult:
    """The JSON reports of a fleet's CI shards (`report_file` of each shard's run) joined into
    the report one run over every target would have given (offline). ReconcilerError for a
    file that is not such a report, reports of different commands, or a target in two."""
    from reconciler.fleet.combine import merge_reports, read_report

    paths = [Path(report) for report in reports]
    return FleetResult(merge_reports([(path, read_report(path)) for path in paths]))


def show_fleet(folder: str | Path) -> FleetResult:
    """Every target's saved plan in a folder `plan_fleet(out=...)` wrote, as the fleet's plan
    report (offline)."""
    from reconciler.fleet.planfiles import read_fleet_plans
    from reconciler.fleet.report import CHANGES, NO_CHANGES, FleetReport, TargetResult

    plans = read_fleet_plans(Path(folder))
    results = [
        TargetResult(
            name,
            NO_CHANGES if plan.empty else CHANGES,
            plan=plan,
            account_sid=saved.origin.account_sid,
        )
        for name, saved, plan in (
            (name, saved, saved.plan()) for name, saved in plans.read().items()
        )
    ]
    return FleetResult(FleetReport("plan", results, targets_file=str(plans.targets_file)))


# ---------------------------------------------------------------- helpers


def _run(
    selection: Selection,
    settings: RunSettings,
    notify: Notify | None,
    saved: FleetPlans | None = None,
) -> FleetRun:
    """The run over the selected targets; with saved plans, over the targets planned there,
    from the targets file they were planned from."""
    from reconciler.fleet.loader import load_targets
    from reconciler.fleet.pipeline import FleetRun
    from reconciler.fleet.select import select_targets
    from reconciler.plan.planfile import StalePlanError

    if saved is not None:
        path = Path(selection.targets_file) if selection.targets_file else saved.targets_file
        saved.check_targets_file(path)
        fleet = load_targets(path)
        known = {target.name: target for target in fleet.targets}
        missing = [name for name in saved.targets if name not in known]
        if missing:
            raise StalePlanError(
                f"{path} no longer declares {', '.join(missing)}, planned in {saved.folder}"
            )
        return FleetRun(fleet, [known[name] for name in saved.targets], settings)
    path = Path(selection.targets_file or DEFAULT_TARGETS_FILE)
    fleet = load_targets(path)
    shard = selection.parsed_shard
    targets = select_targets(fleet, selection.targets, shard)
    if not targets:
        send(notify, Message(f"Note: shard {shard} of {path} has no targets."))
    return FleetRun(fleet, targets, settings)


@contextmanager
def _settings(connect: Where, parallel: int) -> Iterator[RunSettings]:
    """Where every target connects: Twilio, an endpoint, or one embedded emulator (`local`);
    explicit settings stand for the parent's credentials."""
    from reconciler.fleet.pipeline import RunSettings, embedded_emulator
    from reconciler.live.api import DEFAULT_CONCURRENCY

    given: Connect = as_connect(connect)
    given.check(fleet=True)
    concurrency = given.concurrency or DEFAULT_CONCURRENCY
    if given.local:
        with embedded_emulator(given.state_dir) as settings:
            settings.parallel = parallel
            settings.concurrency = concurrency
            yield settings
        return
    endpoint = (
        given.endpoint
        or (given.settings.endpoint if given.settings else None)
        or os.environ.get("RECONCILER_ENDPOINT")  # as one account's settings read it
        or None
    )
    yield RunSettings(
        endpoint=endpoint.rstrip("/") if endpoint else None,
        concurrency=concurrency,
        parallel=parallel,
        parent=given.settings,
    )


def _saved_plans(plans: str | Path | FleetPlans | None) -> FleetPlans | None:
    from reconciler.fleet.planfiles import FleetPlans, read_fleet_plans, target_plans
    from reconciler.plan.planfile import read_plan

    if plans is None or isinstance(plans, FleetPlans):
        return plans
    if Path(plans).is_dir():
        return read_fleet_plans(Path(plans))
    return target_plans(read_plan(Path(plans)))  # one target's plan file, applied alone


def _save_plans(
    folder: Path,
    run: FleetRun,
    sessions: list[Session],
    options: PlanOptions,
    notify: Notify | None,
) -> None:
    """Every planned target's plan file and the manifest."""
    from reconciler.fleet.planfiles import TargetPlan, save_fleet_plans

    saved = save_fleet_plans(
        folder,
        run.fleet.path,
        (
            TargetPlan(
                session.target.name,
                session.result.plan,
                session.loaded.config,
                list(session.target.config),
                options,
                session.live.account_sid if session.live else None,
            )
            for session in sessions
            if session.result.plan is not None and session.loaded is not None
        ),
    )
    failed = len(sessions) - len(saved)
    note = f"; {failed} failed target(s) have none" if failed else ""
    send(
        notify,
        Message(
            f"Saved the plans of {len(saved)} target(s) to {folder}{note}. Apply exactly these "
            f"with `reconciler apply --plan {folder}`."
        ),
    )


def _adopt(settings: RunSettings, out_dir: Path, notify: Notify | None) -> FleetReport:
    from reconciler import escape
    from reconciler.fleet.adopt import adopt_subaccounts

    adoption = adopt_subaccounts(settings, out_dir)
    for skipped in adoption.skipped:
        name = escape.terminal(skipped.friendly_name)
        send(
            notify,
            Message(f"Note: skipped subaccount {skipped.sid} ({name}): it is {skipped.status}."),
        )
    if adoption.wrote_targets_file:
        send(notify, Message(f"Wrote {adoption.targets_file}."))
    else:
        send(
            notify,
            Message(
                f"Note: {adoption.targets_file} exists and was left as it is; add new targets "
                "to it by hand."
            ),
        )
    send(
        notify,
        Message(
            f"Next: reconciler plan --all --targets {adoption.targets_file} --detailed-exitcode"
        ),
    )
    return adoption.report


def _finish(result: FleetResult, report_file: str | Path | None) -> FleetResult:
    """With `report_file`, the JSON report written there too (secrets masked)."""
    if report_file is None:
        return result
    from dataclasses import replace

    from reconciler import redact
    from reconciler.atomic import write_atomically
    from reconciler.output.fleet import render_json

    write_atomically(Path(report_file), redact.mask(render_json(result.report)))
    return replace(result, report_file=report_file)


def _progress(notify: Notify | None) -> Callable[[str, StepResult], None]:
    """Each finished step to `notify`, one at a time (targets run at once)."""
    lock = threading.Lock()

    def show(name: str, result: StepResult) -> None:
        with lock:
            send(notify, StepDone(result, target=name))

    return show
