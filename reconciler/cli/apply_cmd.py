"""`reconciler apply`: make the calls that bring the live account to the configuration."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from reconciler.apply import Executor, Outcome, StepResult
from reconciler.cli.options import connection_options, open_api, use_colour
from reconciler.config import load_config
from reconciler.errors import ReconcilerError
from reconciler.plan import Plan, PlanOptions, plan_account
from reconciler.plan.planfile import config_digest, plan_from_document, read_plan_document
from reconciler.plan.policy import ALLOW_DESTROY, FORCE
from reconciler.plan.render import render_text

SYMBOLS = {Outcome.DONE: "done", Outcome.FAILED: "FAILED", Outcome.SKIPPED: "skipped"}


@click.command("apply")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option(
    "--plan",
    "plan_file",
    type=click.Path(dir_okay=False),
    help="Apply a plan saved by `plan --out` (refused if the account or config moved since).",
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
@connection_options
def command(
    paths: tuple[str, ...],
    plan_file: str | None,
    auto_approve: bool,
    allow_destroy: bool,
    force: bool,
    rotate_secrets: bool,
    local: bool,
    endpoint: str | None,
    concurrency: int,
) -> None:
    """Apply the configuration in PATHS (or a saved --plan) to the live account.

    Shows the plan, asks for confirmation on a terminal (or takes --auto-approve), then runs
    the changes level by level and reports each one. Exit 0 when everything converged, 1 when
    anything failed; rerunning finishes what is left.
    """
    if bool(paths) == bool(plan_file):
        raise click.UsageError("give either configuration PATHS or --plan PLANFILE")
    saved = read_plan_document(Path(plan_file)) if plan_file else None
    config_paths = list(saved["config_paths"]) if saved else list(paths)
    loaded = load_config(config_paths)
    with open_api(local, endpoint, concurrency) as api:
        plan, live = plan_account(loaded, api, PlanOptions(rotate_secrets=rotate_secrets))
        if saved is not None:
            if saved["config_digest"] != config_digest(loaded.config):
                raise ReconcilerError(
                    f"{plan_file}: the configuration changed since this plan was made; "
                    "run `reconciler plan --out` again"
                )
            if saved["fingerprint"] != plan.fingerprint:
                raise ReconcilerError(
                    f"{plan_file}: the plan is stale: the live account changed since it was made; "
                    "run `reconciler plan --out` again"
                )
            plan = plan_from_document(saved, loaded.config)
        click.echo(render_text(plan, colour=use_colour()), nl=False)
        if plan.empty:
            return
        _check_guards(plan, allow_destroy, force)
        _confirm(auto_approve)
        report = Executor(api, live, progress=_print_progress).run(plan)
    click.echo(report.summary_line())
    if not report.succeeded:
        raise ReconcilerError(
            "some changes did not complete (see above); the account is consistent, and "
            "running apply again finishes the rest"
        )


def _check_guards(plan: Plan, allow_destroy: bool, force: bool) -> None:
    flags = {flag for flag, given in ((ALLOW_DESTROY, allow_destroy), (FORCE, force)) if given}
    blocking = plan.blocking(flags)
    if blocking:
        reasons = "; ".join(
            guard.message + (f" (add {guard.flag})" if guard.flag else "") for guard in blocking
        )
        raise ReconcilerError(f"nothing was applied: {reasons}")


def _confirm(auto_approve: bool) -> None:
    if auto_approve:
        return
    if not sys.stdin.isatty():
        raise ReconcilerError(
            "nothing was applied: not on a terminal, so no one can confirm; pass --auto-approve"
        )
    answer = click.prompt(
        "Apply these changes? Only 'yes' is accepted", default="", show_default=False
    )
    if answer.strip() != "yes":
        raise ReconcilerError("apply cancelled; nothing was changed")


def _print_progress(result: StepResult) -> None:
    detail = f": {result.detail}" if result.detail else ""
    retries = f", {result.attempts} attempts" if result.attempts > 1 else ""
    click.echo(
        f"  {result.step.description} ... {SYMBOLS[result.outcome]} "
        f"({result.seconds:.2f}s{retries}){detail}"
    )
