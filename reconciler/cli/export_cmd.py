"""`reconciler export`: the live account as YAML that plans to no changes against it."""

from __future__ import annotations

import click

from reconciler import api
from reconciler.cli.fleet_options import FleetSelection, fleet_options
from reconciler.cli.options import connect, connection_options
from reconciler.cli.render import show


@click.command("export")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the YAML to this file instead of standard output.",
)
@connection_options
@fleet_options(export=True)
def command(
    out: str | None, local: bool, endpoint: str | None, concurrency: int, fleet: FleetSelection
) -> None:
    """Write the live account's Conversations configuration as YAML.

    Every field the engine manages is written, with names instead of SIDs, so `reconciler plan`
    on the result against the same account shows no changes. Push-credential secrets are
    write-only in Twilio: they appear as comments naming a variable to set. The output is the
    same on every run for the same account. What the file cannot express (a credential without
    a name, two credentials with one name) is left out, named in a NOTE and in the error: the
    file is written and the export exits 1. With --all, --target or --shard, export every
    selected target of the targets file into --out-dir; --subaccounts adopts every subaccount
    of the parent (docs/fleet.md).
    """
    if fleet.requested:
        from reconciler.cli import fleet_commands

        fleet_commands.export(
            fleet, out=out, local=local, endpoint=endpoint, concurrency=concurrency
        )
    fleet.single()
    from reconciler.export import ExportIncomplete

    try:
        result = api.export(connect(local, endpoint, concurrency), out=out)
    except ExportIncomplete as incomplete:
        if out is None:  # the file goes to standard output, the error to standard error
            click.echo(incomplete.text, nl=False)
        raise
    show("text", result)
