"""`reconciler apply` (being built)."""

import click

from reconciler.errors import ReconcilerError


@click.command("apply")
def command() -> None:
    """Not available yet."""
    raise ReconcilerError("'apply' is not available yet")
