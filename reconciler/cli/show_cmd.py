"""`reconciler show PLANFILE`: render a saved plan again, offline."""

from __future__ import annotations

from pathlib import Path

import click

from reconciler.cli.options import use_colour
from reconciler.plan.planfile import read_plan
from reconciler.plan.render import render_json, render_markdown, render_text


@click.command("show")
@click.argument("plan_file", metavar="PLANFILE", type=click.Path())
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="text for terminals, json for scripts, markdown for a pull-request comment.",
)
def command(plan_file: str, output_format: str) -> None:
    """Show the plan saved in PLANFILE by `plan --out`, with no network and no credentials.

    This is what `apply --plan PLANFILE` will do, provided the configuration and the live
    account still give exactly this plan; it names the account the plan was made against (and
    the fleet target), the only account it applies to. A folder written by `plan --all --out
    DIR` shows every target's saved plan, as the fleet's plan report.
    """
    if Path(plan_file).is_dir():
        from reconciler.cli import fleet_commands

        fleet_commands.show_saved(Path(plan_file), output_format)
        return
    saved = read_plan(Path(plan_file))
    plan, origin = saved.plan(), saved.origin
    if output_format == "json":
        click.echo(render_json(plan, origin), nl=False)
    elif output_format == "markdown":
        click.echo(render_markdown(plan, origin), nl=False)
    else:
        click.echo(render_text(plan, colour=use_colour(), origin=origin), nl=False)
