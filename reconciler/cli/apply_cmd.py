"""`reconciler apply`: make the calls that bring the live account to the configuration."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import click

from reconciler import api
from reconciler.cli.fleet_options import FleetSelection, fleet_options
from reconciler.cli.options import approver, connect, connection_options, only_option
from reconciler.cli.render import notifier, show


@click.command("apply")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--plan",
    "plan_file",
    type=click.Path(),
    help="Apply a plan saved by `plan --out`: the saved plan is the approval (no prompt), and "
    "it is refused unless planning now gives exactly the same plan. A folder written by "
    "`plan --all --out DIR` applies a fleet's saved plans, each target checked alike.",
)
@click.option("--auto-approve", is_flag=True, help="Apply without asking for confirmation.")
@click.option(
    "--allow-destroy",
    is_flag=True,
    help="Allow deleting or replacing services, which destroys their conversations.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Allow changing more than policy.max_change_fraction of a kind's resources.",
)
@click.option("--rotate-secrets", is_flag=True, help="Re-send push-credential secrets.")
@only_option
@connection_options
@fleet_options
def command(
    paths: tuple[str, ...],
    plan_file: str | None,
    auto_approve: bool,
    allow_destroy: bool,
    force: bool,
    rotate_secrets: bool,
    only: tuple[str, ...],
    local: bool,
    endpoint: str | None,
    concurrency: int,
    fleet: FleetSelection,
) -> None:
    """Apply the configuration in PATHS (or a saved --plan) to the live account.

    Shows the plan, asks for confirmation on a terminal (or takes --auto-approve), then runs
    the changes in dependency order and reports each one. With --plan, the configuration
    paths recorded in the plan file are used (relative to the plan file, so it works from any
    working directory) and no confirmation is asked: the reviewed plan is the approval. A saved
    plan applies only to the account it was made against; a fleet target's plan file applies
    as that target (its credentials, from the targets file its folder's manifest names).

    Exit 0 when everything converged, 1 when anything failed or was refused. With --all,
    --target or --shard, apply every selected target of the targets file (docs/fleet.md).
    """

    def apply_fleet() -> NoReturn:
        from reconciler.cli import fleet_commands

        fleet_commands.apply(
            fleet,
            paths,
            plan_file=plan_file,
            auto_approve=auto_approve,
            allow_destroy=allow_destroy,
            force=force,
            rotate_secrets=rotate_secrets,
            only=only,
            local=local,
            endpoint=endpoint,
            concurrency=concurrency,
        )

    if fleet.requested or (plan_file is not None and Path(plan_file).is_dir()):
        apply_fleet()
    if bool(paths) == bool(plan_file):
        raise click.UsageError("give either configuration PATHS or --plan PLANFILE")
    saved = api.read_plan_file(plan_file) if plan_file else None
    if saved is not None and saved.origin.target is not None:
        # A fleet target's plan: applied as that target, with its credentials and variables
        # from the targets file its folder's manifest names (docs/fleet.md), never as PATHS.
        apply_fleet()
    if saved is not None and rotate_secrets and not saved.options.rotate_secrets:
        raise click.UsageError(
            "--rotate-secrets changes the plan; make the plan with `plan --rotate-secrets --out`"
        )
    if saved is not None and only:
        raise click.UsageError("--only comes from the saved plan; make it with `plan --only --out`")
    result = api.apply(
        paths or None,
        connect(local, endpoint, concurrency),
        plan_file=saved,
        allow_destroy=allow_destroy,
        force=force,
        rotate_secrets=rotate_secrets,
        only=only,
        approve=approver(auto_approve),
        notify=notifier("text"),
    )
    show("text", result)
    result.raise_for_failure()
