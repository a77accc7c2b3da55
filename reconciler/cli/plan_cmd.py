"""`reconciler plan` (being built)."""

import click

from reconciler.errors import ReconcilerError


@click.command("plan")
def command() -> None:
    """Not available yet."""
    raise ReconcilerError("'plan' is not available yet")
