"""`reconciler apply`: make the calls that bring the live account to the configuration."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from reconciler import escape
from reconciler.apply import Executor, Outcome, StepResult
from reconciler.cli.fleet_options import FleetSelection, fleet_options
from reconciler.cli.options import (
    check_selectors,
    confirm,
    connection_options,
    load_for_account,
    only_option,
    open_api,
    use_colour,
)
from reconciler.errors import ReconcilerError
from reconciler.plan import Plan, PlanOptions, plan_account
from reconciler.plan.planfile import check_account, check_unchanged, read_plan
from reconciler.plan.policy import ALLOW_DESTROY, FORCE
from reconciler.plan.render import render_text

if TYPE_CHECKING:
    from reconciler.config import LoadedConfig

SYMBOLS = {Outcome.DONE: "done", Outcome.FAILED: "FAILED", Outcome.SKIPPED: "skipped"}


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
    saved = read_plan(Path(plan_file)) if plan_file else None
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
    options = saved.options if saved else PlanOptions(rotate_secrets=rotate_secrets, only=only)
    loaded = load_for_account(saved.config_paths() if saved else list(paths))
    check_selectors(options.only, loaded)
    with open_api(local, endpoint, concurrency) as api:
        if saved is not None:
            check_account(saved, api.account_sid, "the credentials are for account")
        plan, live = plan_account(loaded, api, options, for_apply=True)
        if saved is not None:
            check_account(saved, live.account_sid, "the API answers for account")
            check_unchanged(saved, loaded.config, plan)
        click.echo(render_text(plan, colour=use_colour()), nl=False)
        if plan.empty:
            return
        _check_guards(plan, allow_destroy, force)
        _warn_default_secrets(loaded, plan)
        if saved is None:
            confirm(auto_approve, "Apply these changes?")
        report = Executor(api, live, progress=_print_progress).run(plan)
    click.echo(report.summary_line())
    if not report.succeeded:
        raise ReconcilerError(f"{report.advice()} (see above)")


def _warn_default_secrets(loaded: LoadedConfig, plan: Plan) -> None:
    """A secret that apply sends but that is written in the configuration, as it is or as a
    `${VAR:-default}`, is not a secret: anyone who reads the repository has it. Warned at its
    file:line, never shown."""
    written = {
        **dict.fromkeys(loaded.literal_secrets, "is written in the configuration"),
        **dict.fromkeys(
            loaded.default_secrets, "comes from a default written in the configuration"
        ),
    }
    for change in plan.changes:
        for diff in change.diffs:
            path = (*change.source, diff.name)
            dotted = ".".join(str(part) for part in path)
            how = written.get(dotted) if diff.sensitive else None
            if how is not None:
                where = loaded.locate(path)
                click.echo(
                    f"Warning: {where + ': ' if where else ''}{dotted} is write-only but its "
                    f"value {how}, not the environment; write ${{VAR}} there and set the "
                    "variable to a real secret",
                    err=True,
                )


def _check_guards(plan: Plan, allow_destroy: bool, force: bool) -> None:
    flags = {flag for flag, given in ((ALLOW_DESTROY, allow_destroy), (FORCE, force)) if given}
    reasons = plan.blocked_reasons(flags)
    if reasons:
        raise ReconcilerError(f"nothing was applied: {reasons}")


def _print_progress(result: StepResult) -> None:
    detail = f": {escape.terminal(result.detail)}" if result.detail else ""
    retries = f", {result.attempts} attempts" if result.attempts > 1 else ""
    click.echo(
        f"  {escape.terminal(result.step.description)} ... {SYMBOLS[result.outcome]} "
        f"({result.seconds:.2f}s{retries}){detail}"
    )
