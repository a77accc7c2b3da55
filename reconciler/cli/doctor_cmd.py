"""`reconciler doctor`: credentials, endpoint, clock and everything this version does not know."""

from __future__ import annotations

import click

from reconciler import api
from reconciler.cli.options import connect, connection_options
from reconciler.cli.render import show
from reconciler.output import formats


@click.command("doctor")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(formats("doctor")),
    default="text",
    show_default=True,
    help="text for people, json for scripts (schemas/doctor.schema.json).",
)
@connection_options
def command(output_format: str, local: bool, endpoint: str | None, concurrency: int) -> None:
    """Check credentials, endpoint and clock, and list what this version does not know.

    Read-only: run it first on any account, real or emulated. It says which credentials are in
    use (the API key SID, or the account whose auth token it is; never a secret) and which
    account the API answers for, where the calls go and whether the answers are Twilio's, the
    clock skew to Twilio's Date header, and the concurrency headers Twilio sends. Then, from one
    read of every service, role, setting, address configuration and credential, it lists
    everything this version does not know, each with its kind, key, SID and field: values
    outside its lists, fields it does not read, resources of unknown types, references to
    services or roles that do not exist, and text longer than Twilio documents.

    Exit codes: 0 nothing unknown; 2 something is (listed); 1 error. See docs/doctor.md.
    """
    result = api.doctor(connect(local, endpoint, concurrency))
    show(output_format, result)
    if result.exit_code:
        raise SystemExit(result.exit_code)
