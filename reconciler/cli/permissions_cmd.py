"""`reconciler permissions PATH... [--for plan|apply|export|doctor]`: the policy of a restricted API
key for one job, offline (no network, no credentials, no secrets needed)."""

from __future__ import annotations

import click

from reconciler import api
from reconciler.cli.render import show
from reconciler.output import formats
from reconciler.permissions.policy import JOBS


@click.command("permissions")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option(
    "--for",
    "job",
    type=click.Choice(JOBS),
    default="plan",
    show_default=True,
    help="The job the key is for: plan (read-only: a pull request's job), apply (plan, then "
    "write), export (read every part of the account), doctor (export's reads and what the "
    "account points at in other products).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(formats("permissions"))),
    default="json",
    show_default=True,
    help='json: the key\'s Policy, {"allow": [...]}, to create the key with; text: each '
    "permission with what needs it.",
)
def command(paths: tuple[str, ...], job: str, output_format: str) -> None:
    """Print the policy a restricted API key needs for plan, apply, export or doctor.

    The job is the one --for names, on the configuration in PATHS, offline; the policy asks
    only for what the configuration touches: the kinds it declares or prunes and those its
    references need, the other products its values name (a default_messaging_service_sid's
    Messaging Service, a studio_flow_sid's flow, an sms address's phone numbers), a page of
    conversations of a service it may delete or replace, and for apply the creates, updates
    and deletes it may make. Create the key with this policy (IAM /v1/Keys, KeyType
    restricted) and give it to the job as TWILIO_API_KEY and TWILIO_API_SECRET.
    """
    show(output_format, api.permissions(paths, job))
