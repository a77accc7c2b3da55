"""`reconciler plan`: what apply would change, as text, JSON or Markdown."""

from __future__ import annotations

from pathlib import Path

import click

from reconciler import api, output
from reconciler.cli.fleet_options import FleetSelection, fleet_options
from reconciler.cli.options import connect, connection_options, only_option
from reconciler.cli.render import notifier, show

CHANGES_EXIT_CODE = 2


@click.command("plan")
@click.argument("paths", nargs=-1, type=click.Path(), metavar="PATHS...")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(output.formats("plan")),
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
    result = api.plan(
        paths,
        connect(local, endpoint, concurrency),
        rotate_secrets=rotate_secrets,
        only=only,
        show_unmanaged=show_unmanaged,
        out=out,
        notify=notifier(output_format),
    )
    show(output_format, result)
    if detailed_exitcode and result.changed:
        raise SystemExit(CHANGES_EXIT_CODE)
