"""`reconciler emulator serve` (being built)."""

import click


@click.group("emulator")
def command() -> None:
    """Run the local Twilio Conversations emulator."""
