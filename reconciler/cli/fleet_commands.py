"""What validate, plan, apply and export do with `--all`, `--target` or `--shard`: check the
fleet options, call the API's fleet function (reconciler.api.fleet) and render its one report.
Imported only when a fleet runs, so the single-account commands start as fast as before.

Output follows the single-account commands: the report on stdout (text, JSON or Markdown),
findings and notes on stderr (each shared-file finding once, naming its targets), `--report
FILE` for the JSON beside any format, and the fleet's exit code (1 if any target failed, else
2 for changes under --detailed-exitcode, else 0).
"""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import click

from reconciler import api
from reconciler.cli.fleet_options import FLEET_FLAGS, FleetSelection
from reconciler.cli.options import approver, connect
from reconciler.cli.render import notifier, show


def validate(
    selection: FleetSelection, paths: tuple[str, ...], output_format: str, strict: bool = False
) -> NoReturn:
    _no_paths(paths)
    result = api.validate_fleet(
        selection.selection(),
        strict=strict,
        report_file=selection.report_file,
        notify=notifier(output_format),
    )
    _finish(output_format, result)


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
    result = api.plan_fleet(
        selection.selection(),
        connect(local, endpoint, concurrency),
        rotate_secrets=rotate_secrets,
        only=only,
        show_unmanaged=show_unmanaged,
        out=out,
        report_file=selection.report_file,
        notify=notifier(output_format),
    )
    _finish(output_format, result, detailed_exitcode)


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
    _check_saved_plans(selection, plan_file, rotate_secrets, only)
    result = api.apply_fleet(
        selection.selection(),
        connect(local, endpoint, concurrency),
        plans=plan_file,
        allow_destroy=allow_destroy,
        force=force,
        rotate_secrets=rotate_secrets,
        only=only,
        approve=approver(auto_approve),
        report_file=selection.report_file,
        notify=notifier("text"),
    )
    _finish("text", result)


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
    if selection.subaccounts and (selection.patterns or selection.shard or selection.all_targets):
        raise click.UsageError(f"--subaccounts adopts every subaccount; drop {FLEET_FLAGS}")
    result = api.export_fleet(
        selection.selection(),
        connect(local, endpoint, concurrency),
        out_dir=selection.out_dir,
        subaccounts=selection.subaccounts,
        report_file=selection.report_file,
        notify=notifier("text"),
    )
    _finish("text", result)


def _no_paths(paths: tuple[str, ...]) -> None:
    if paths:
        raise click.UsageError(
            f"with {FLEET_FLAGS} the configuration paths come from the targets file; drop "
            f"PATHS ({' '.join(paths)}) or the fleet options"
        )


def _check_saved_plans(
    selection: FleetSelection, plan_file: str | None, rotate_secrets: bool, only: tuple[str, ...]
) -> None:
    """The fleet plans `apply --plan DIR` names: their targets and options are the approval."""
    if not plan_file:
        return
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


def _finish(
    output_format: str, result: api.FleetResult, detailed_exitcode: bool = False
) -> NoReturn:
    show(output_format, result)
    click.get_current_context().exit(result.exit_code(detailed_exitcode))
