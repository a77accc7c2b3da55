"""`reconciler schema` (being built)."""

import click

from reconciler.errors import ReconcilerError


@click.command("schema")
def command() -> None:
    """Not available yet."""
    raise ReconcilerError("'schema' is not available yet")
