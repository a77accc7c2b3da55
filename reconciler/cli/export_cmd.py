"""`reconciler export` (being built)."""

import click

from reconciler.errors import ReconcilerError


@click.command("export")
def command() -> None:
    """Not available yet."""
    raise ReconcilerError("'export' is not available yet")
