"""`reconciler permissions PATH... [--for plan|apply|export]`: the policy of a restricted API
key for one job, offline (no network, no credentials, no secrets needed)."""

from __future__ import annotations

import json

import click

from reconciler.config import load_config
from reconciler.permissions.policy import JOBS, needs
from reconciler.permissions.table import assumed

ASSUMED_NOTE = (
    "Names marked (assumed) are this version's assumption: Twilio has not published the "
    'Conversations permission names it uses (docs/emulator.md, "Restricted API keys").'
)


@click.command("permissions")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option(
    "--for",
    "job",
    type=click.Choice(JOBS),
    default="plan",
    show_default=True,
    help="The job the key is for: plan (read-only: a pull request's job), apply (plan, then "
    "write), export (read every part of the account).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(("json", "text")),
    default="json",
    show_default=True,
    help='json: the key\'s Policy, {"allow": [...]}, to create the key with; text: each '
    "permission with what needs it.",
)
def command(paths: tuple[str, ...], job: str, output_format: str) -> None:
    """Print the policy a restricted API key needs for plan, apply or export.

    The job is the one --for names, on the configuration in PATHS, offline; the policy asks
    only for what the configuration touches: the kinds it declares or prunes and those its
    references need, the other products its values name (a default_messaging_service_sid's
    Messaging Service, a studio_flow_sid's flow, an sms address's phone numbers), a page of
    conversations of a service it may delete or replace, and for apply the creates, updates
    and deletes it may make. Create the key with this policy (IAM /v1/Keys, KeyType
    restricted) and give it to the job as TWILIO_API_KEY and TWILIO_API_SECRET.
    """
    loaded = load_config(paths, defer_secrets=True)
    permissions = needs(loaded.config, job).permissions()
    if output_format == "json":
        click.echo(json.dumps({"allow": list(permissions)}, indent=2))
        return
    width = max((len(name) for name in permissions), default=0)
    click.echo(f"`{job}` of {' '.join(paths)} needs {len(permissions)} permissions:")
    for name, reasons in permissions.items():
        mark = " (assumed)" if assumed(name) else ""
        click.echo(f"  {name.ljust(width)}  {'; '.join(reasons)}{mark}")
    if any(assumed(name) for name in permissions):
        click.echo(ASSUMED_NOTE)
