"""`reconciler show PLANFILE`: render a saved plan again, offline."""

from __future__ import annotations

import click

from reconciler import api, output
from reconciler.cli.render import show


@click.command("show")
@click.argument("plan_file", metavar="PLANFILE", type=click.Path())
@click.option(
    "--format",
    "output_format",
    type=click.Choice(output.formats("show")),
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
    show(output_format, api.show(plan_file))
