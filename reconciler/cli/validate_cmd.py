"""`reconciler validate` (being built)."""

import click

from reconciler.errors import ReconcilerError


@click.command("validate")
def command() -> None:
    """Not available yet."""
    raise ReconcilerError("'validate' is not available yet")
