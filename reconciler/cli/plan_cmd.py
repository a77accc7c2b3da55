"""`reconciler plan`: what apply would change, as text, JSON or Markdown."""

from __future__ import annotations

import json
from pathlib import Path

import click

from reconciler.cli.fleet_options import FleetSelection, fleet_options
from reconciler.cli.options import (
    check_selectors,
    connection_options,
    load_for_account,
    only_option,
    open_api,
    use_colour,
)
from reconciler.findings.from_plan import render_plan_github
from reconciler.plan import PlanOptions, plan_account, unmanaged
from reconciler.plan.model import Origin
from reconciler.plan.planfile import save_plan
from reconciler.plan.render import plan_document, render_markdown, render_text

CHANGES_EXIT_CODE = 2


@click.command("plan")
@click.argument("paths", nargs=-1, type=click.Path(), metavar="PATHS...")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "markdown", "github"]),
    default="text",
    show_default=True,
    help="text for terminals, json for scripts, markdown for a pull-request comment, github "
    "for GitHub Actions (findings and changes as annotations on the pull request's diff).",
)
@click.option(
    "--out",
    "out",
    type=click.Path(),
    help="Also save the plan to this file for `apply --plan`. With a fleet, a folder: one plan "
    "file per target and a manifest naming them, for `apply --plan DIR`.",
)
@click.option(
    "--detailed-exitcode",
    is_flag=True,
    help="Exit 0 when there are no changes and 2 when there are (1 is always an error).",
)
@click.option(
    "--rotate-secrets",
    is_flag=True,
    help="Re-send push-credential secrets (they are write-only, so never compared).",
)
@click.option(
    "--show-unmanaged",
    is_flag=True,
    help="Also list live resources the configuration does not manage, and whether "
    "policy.prune deletes them (the plan itself does not change).",
)
@only_option
@connection_options
@fleet_options
def command(
    paths: tuple[str, ...],
    output_format: str,
    out: str | None,
    detailed_exitcode: bool,
    rotate_secrets: bool,
    show_unmanaged: bool,
    only: tuple[str, ...],
    local: bool,
    endpoint: str | None,
    concurrency: int,
    fleet: FleetSelection,
) -> None:
    """Show the changes that would make the live account match the configuration in PATHS.

    PATHS are YAML files or folders, merged in order. Secret values never appear in the
    output or in the saved plan. With --all, --target or --shard, plan every selected target
    of the targets file instead (docs/fleet.md).
    """
    if fleet.requested:
        from reconciler.cli import fleet_commands

        fleet_commands.plan(
            fleet,
            paths,
            output_format=output_format,
            out=out,
            detailed_exitcode=detailed_exitcode,
            rotate_secrets=rotate_secrets,
            only=only,
            show_unmanaged=show_unmanaged,
            local=local,
            endpoint=endpoint,
            concurrency=concurrency,
        )
    fleet.require_paths(paths)
    if out and Path(out).is_dir():
        raise click.UsageError(f"--out {out}: a folder; give the plan file's name")
    loaded = load_for_account(list(paths), output_format)
    check_selectors(only, loaded)
    options = PlanOptions(rotate_secrets=rotate_secrets, only=only)
    with open_api(local, endpoint, concurrency) as api:
        plan, live = plan_account(loaded, api, options)
        found = unmanaged.find_unmanaged(loaded, api) if show_unmanaged else None
    extra = unmanaged.unmanaged_json(found) if found is not None else None
    origin = Origin(live.account_sid)
    if output_format == "json":
        document = plan_document(plan, origin)
        if extra is not None:
            document["unmanaged"] = extra
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    elif output_format == "markdown":
        click.echo(render_markdown(plan), nl=False)
        if extra is not None:
            click.echo(unmanaged.render_unmanaged_markdown(extra), nl=False)
    elif output_format == "github":
        click.echo(render_plan_github(plan, loaded), nl=False)
    else:
        click.echo(render_text(plan, colour=use_colour()), nl=False)
    if extra is not None and output_format in ("text", "github"):
        click.echo(unmanaged.render_unmanaged_text(extra), nl=False)
    if out:
        save_plan(Path(out), plan, loaded.config, list(paths), options, origin)
        click.echo(
            f"Saved the plan to {out}; apply it with `reconciler apply --plan {out}`.", err=True
        )
    if detailed_exitcode and not plan.empty:
        raise SystemExit(CHANGES_EXIT_CODE)
