"""What validate, plan, apply and export do with `--all`, `--target` or `--shard`: run the fleet
layer (reconciler.fleet) and print its one report. Imported only when a fleet runs, so the
single-account commands start as fast as before.

Output follows the single-account commands: the report on stdout (text, JSON or Markdown),
findings and notes on stderr (each shared-file finding once, naming its targets), `--report
FILE` for the JSON beside any format, and the fleet's exit code (1 if any target failed, else
2 for changes under --detailed-exitcode, else 0).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import click
from click.core import ParameterSource

from reconciler import escape, redact
from reconciler.apply import StepResult
from reconciler.atomic import write_atomically
from reconciler.cli.counts import describe_counts
from reconciler.cli.fleet_options import FLEET_FLAGS, FleetSelection
from reconciler.cli.options import confirm, use_colour
from reconciler.findings import Report, render_github, render_sarif
from reconciler.findings.text import format_finding
from reconciler.fleet.findings import fleet_findings, merge_findings
from reconciler.fleet.loader import load_targets
from reconciler.fleet.model import DEFAULT_TARGETS_FILE
from reconciler.fleet.pipeline import (
    FleetRun,
    RunSettings,
    Session,
    embedded_emulator,
)
from reconciler.fleet.planfiles import (
    FleetPlans,
    TargetPlan,
    read_fleet_plans,
    save_fleet_plans,
    target_plans,
)
from reconciler.fleet.report import (
    CHANGES,
    NO_CHANGES,
    FleetReport,
    TargetResult,
    render_json,
    render_markdown,
    render_summary,
    render_text,
)
from reconciler.fleet.select import select_targets
from reconciler.live.connection import endpoint_path_problem
from reconciler.plan import PlanOptions
from reconciler.plan.planfile import StalePlanError, read_plan
from reconciler.plan.policy import ALLOW_DESTROY, FORCE

SYMBOLS = {"done": "done", "failed": "FAILED", "skipped": "skipped"}


def validate(
    selection: FleetSelection, paths: tuple[str, ...], output_format: str, strict: bool = False
) -> NoReturn:
    _no_paths(paths)
    with _run(selection, RunSettings(parallel=selection.parallel, strict=strict)) as run:
        report = run.report("validate", run.validate(), selection.shard_label)
    if output_format == "json":
        click.echo(render_json(report), nl=False)
    elif output_format == "sarif":
        files = dict.fromkeys(file for result in report.targets for file in result.files or ())
        sarif = Report([report.targets_file], fleet_findings(report), files=list(files))
        click.echo(render_sarif(sarif), nl=False)
        click.echo(render_summary(report), err=True, nl=False)
    elif output_format == "github":
        click.echo(render_github(fleet_findings(report)), nl=False)
        click.echo(render_summary(report), nl=False)
    else:
        _echo_findings(report, severities=("error", "warning", "notice"))
        for result in report.targets:
            verdict = result.error or f"valid ({_resources(result.resources)})"
            click.echo(f"{escape.terminal(result.name)}: {verdict}")
        click.echo(render_summary(report), nl=False)
    _finish(selection, report)


def plan(
    selection: FleetSelection,
    paths: tuple[str, ...],
    *,
    output_format: str,
    out: str | None,
    detailed_exitcode: bool,
    rotate_secrets: bool,
    only: tuple[str, ...],
    show_unmanaged: bool,
    local: bool,
    endpoint: str | None,
    concurrency: int,
) -> NoReturn:
    _no_paths(paths)
    with (
        _settings(selection, local, endpoint, concurrency) as settings,
        _run(selection, settings) as run,
    ):
        options = PlanOptions(rotate_secrets=rotate_secrets, only=only)
        sessions = run.plan(options)
        if show_unmanaged:
            run.show_unmanaged(sessions)
        for session in sessions:
            session.close()
        report = run.report("plan", [s.result for s in sessions], selection.shard_label)
        if out:
            _save_plans(Path(out), run, sessions, options)
    if output_format == "github":
        # The report for the log (its summary last), then every finding and change once as a
        # workflow command (annotations on the diff), as `plan --format github` does for one.
        click.echo(render_text(report, colour=False), nl=False)
        planned = [
            (session.target.name, session.result.plan, session.loaded)
            for session in sessions
            if session.result.plan is not None and session.loaded is not None
        ]
        click.echo(render_github(fleet_findings(report, planned)), nl=False)
    else:
        _echo_findings(report)
        _echo_report(report, output_format)
    _finish(selection, report, detailed_exitcode)


def apply(
    selection: FleetSelection,
    paths: tuple[str, ...],
    *,
    plan_file: str | None,
    auto_approve: bool,
    allow_destroy: bool,
    force: bool,
    rotate_secrets: bool,
    only: tuple[str, ...],
    local: bool,
    endpoint: str | None,
    concurrency: int,
) -> NoReturn:
    """Plan every target, show the plans, confirm once for the fleet, apply concurrently.

    With --plan DIR (what `plan --all --out DIR` wrote): exactly the targets planned there, each
    only if planning it now gives its saved plan, and no prompt: the saved plans are the
    approval."""
    _no_paths(paths)
    saved = _saved_plans(selection, plan_file, rotate_secrets, only)
    flags = {flag for flag, given in ((ALLOW_DESTROY, allow_destroy), (FORCE, force)) if given}
    label = selection.shard_label
    with (
        _settings(selection, local, endpoint, concurrency) as settings,
        _run(selection, settings, saved) as run,
    ):
        sessions = run.plan(
            PlanOptions(rotate_secrets=rotate_secrets, only=only),
            saved=saved.read() if saved else None,
            for_apply=True,
        )
        try:
            planned = run.report("plan", [session.result for session in sessions], label)
            _echo_findings(planned)
            click.echo(render_text(planned, colour=use_colour()), nl=False)
            if not planned.changed:
                _finish(selection, run.report("apply", planned.targets, label))
            count = len(planned.changed)
            if saved is None:
                confirm(
                    auto_approve,
                    f"Apply these changes to {count} target{'s' if count != 1 else ''}?",
                )
            results = run.apply(sessions, flags, progress=_progress())
        finally:
            for session in sessions:
                session.close()
        report = run.report("apply", results, label)
    click.echo(render_summary(report), nl=False)
    _finish(selection, report)


def export(
    selection: FleetSelection,
    *,
    out: str | None,
    local: bool,
    endpoint: str | None,
    concurrency: int,
) -> NoReturn:
    if out:
        raise click.UsageError("--out writes one account; with a fleet use --out-dir DIR")
    if not selection.out_dir:
        raise click.UsageError("a fleet export writes one folder per target: give --out-dir DIR")
    out_dir = Path(selection.out_dir)
    with _settings(selection, local, endpoint, concurrency) as settings:
        if selection.subaccounts:
            report = _adopt(selection, settings, out_dir)
        else:
            with _run(selection, settings) as run:
                report = run.report("export", run.export(out_dir), selection.shard_label)
    for result in report.targets:
        if result.path:
            click.echo(f"Exported {result.name} to {result.path}.", err=True)
    click.echo(render_summary(report), nl=False)
    _finish(selection, report)


# ---------------------------------------------------------------- helpers


def _no_paths(paths: tuple[str, ...]) -> None:
    if paths:
        raise click.UsageError(
            f"with {FLEET_FLAGS} the configuration paths come from the targets file; drop "
            f"PATHS ({' '.join(paths)}) or the fleet options"
        )


def _run(
    selection: FleetSelection, settings: RunSettings, saved: FleetPlans | None = None
) -> FleetRun:
    """The run over the selected targets; with saved plans, over the targets planned there,
    from the targets file they were planned from."""
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
    targets = select_targets(fleet, selection.patterns, selection.shard)
    if not targets:
        click.echo(f"Note: shard {selection.shard} of {path} has no targets.", err=True)
    return FleetRun(fleet, targets, settings)


def _save_plans(folder: Path, run: FleetRun, sessions: list[Session], options: PlanOptions) -> None:
    """`plan --out DIR` with a fleet: every planned target's plan file and the manifest."""
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
    click.echo(
        f"Saved the plans of {len(saved)} target(s) to {folder}{note}. Apply exactly these with "
        f"`reconciler apply --plan {folder}`.",
        err=True,
    )


def show_saved(folder: Path, output_format: str) -> None:
    """`show DIR`: every target's saved plan, as the fleet's plan report (offline)."""
    plans = read_fleet_plans(folder)
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
    report = FleetReport("plan", results, targets_file=str(plans.targets_file))
    _echo_report(report, output_format)


def _echo_report(report: FleetReport, output_format: str) -> None:
    """The report on stdout in the format asked for (text, json or markdown)."""
    if output_format == "json":
        click.echo(render_json(report), nl=False)
    elif output_format == "markdown":
        click.echo(render_markdown(report), nl=False)
    else:
        click.echo(render_text(report, colour=use_colour()), nl=False)


def _saved_plans(
    selection: FleetSelection, plan_file: str | None, rotate_secrets: bool, only: tuple[str, ...]
) -> FleetPlans | None:
    """The fleet plans `apply --plan DIR` names; their targets and options are the approval."""
    if not plan_file:
        return None
    if selection.requested and not Path(plan_file).is_dir():
        raise click.UsageError(
            "with a fleet, --plan takes the folder that `plan --all --out DIR` wrote"
        )
    for flag, given in (
        ("--all", selection.all_targets),
        ("--target", bool(selection.patterns)),
        ("--shard", selection.shard is not None),
        ("--rotate-secrets", rotate_secrets),
        ("--only", bool(only)),
    ):
        if given:
            raise click.UsageError(
                f"{flag} comes from the saved plans in {plan_file}; drop it (plan again with "
                "it to change what is applied)"
            )
    if Path(plan_file).is_dir():
        return read_fleet_plans(Path(plan_file))
    return target_plans(read_plan(Path(plan_file)))  # one target's plan file, applied alone


@contextmanager
def _settings(
    selection: FleetSelection, local: bool, endpoint: str | None, concurrency: int
) -> Iterator[RunSettings]:
    """Where every target connects: Twilio, --endpoint, or one embedded emulator (--local, with
    RECONCILER_ENDPOINT from the environment ignored, as for one account)."""
    context = click.get_current_context()
    from_environment = context.get_parameter_source("endpoint") is ParameterSource.ENVIRONMENT
    if local and endpoint and not from_environment:
        raise click.UsageError("--local and --endpoint cannot be used together")
    if local:
        with embedded_emulator() as settings:
            settings.parallel = selection.parallel
            settings.concurrency = concurrency
            yield settings
        return
    if endpoint:
        _check_endpoint(endpoint)
    yield RunSettings(
        endpoint=endpoint.rstrip("/") if endpoint else None,
        concurrency=concurrency,
        parallel=selection.parallel,
    )


def _adopt(selection: FleetSelection, settings: RunSettings, out_dir: Path) -> FleetReport:
    from reconciler.fleet.adopt import adopt_subaccounts

    if selection.patterns or selection.shard or selection.all_targets:
        raise click.UsageError(f"--subaccounts adopts every subaccount; drop {FLEET_FLAGS}")
    adoption = adopt_subaccounts(settings, out_dir)
    for skipped in adoption.skipped:
        name = escape.terminal(skipped.friendly_name)
        click.echo(
            f"Note: skipped subaccount {skipped.sid} ({name}): it is {skipped.status}.", err=True
        )
    if adoption.wrote_targets_file:
        click.echo(f"Wrote {adoption.targets_file}.", err=True)
    else:
        click.echo(
            f"Note: {adoption.targets_file} exists and was left as it is; add new targets to it "
            "by hand.",
            err=True,
        )
    click.echo(
        f"Next: reconciler plan --all --targets {adoption.targets_file} --detailed-exitcode",
        err=True,
    )
    return adoption.report


def _finish(
    selection: FleetSelection, report: FleetReport, detailed_exitcode: bool = False
) -> NoReturn:
    if selection.report_file:
        write_atomically(Path(selection.report_file), redact.mask(render_json(report)))
        click.echo(f"Wrote the fleet report to {selection.report_file}.", err=True)
    click.get_current_context().exit(report.exit_code(detailed_exitcode))


def _check_endpoint(endpoint: str) -> None:
    if not re.match(r"^https?://[^/\s]+", endpoint):
        raise click.UsageError(
            f"--endpoint {endpoint!r} is not an http(s) URL such as http://127.0.0.1:4010"
        )
    problem = endpoint_path_problem(endpoint)
    if problem:
        raise click.UsageError(problem)


def _resources(counts: dict[str, int] | None) -> str:
    """`1 service, 3 roles, ...`, as `validate` says it for one configuration."""
    return describe_counts(counts) if counts else ""


def _echo_findings(
    report: FleetReport, severities: tuple[str, ...] = ("warning", "notice")
) -> None:
    """Findings on stderr, each once: a shared base file's warning names the targets it
    concerns instead of repeating for every one of them."""
    per_target = [
        (result.name, [f for f in result.findings if f.severity in severities])
        for result in report.targets
    ]
    for finding in merge_findings(per_target):
        click.echo(escape.terminal(format_finding(finding)), err=True)


def _progress() -> Callable[[str, StepResult], None]:
    """One line per finished step, prefixed with its target (targets run at once)."""
    lock = threading.Lock()

    def show(name: str, result: StepResult) -> None:
        detail = f": {escape.terminal(result.detail)}" if result.detail else ""
        retries = f", {result.attempts} attempts" if result.attempts > 1 else ""
        line = (
            f"  [{escape.terminal(name)}] {escape.terminal(result.step.description)} ... "
            f"{SYMBOLS.get(result.outcome, result.outcome)} ({result.seconds:.2f}s{retries})"
            f"{detail}"
        )
        with lock:
            click.echo(line)

    return show
