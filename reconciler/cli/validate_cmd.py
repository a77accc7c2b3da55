"""`reconciler validate PATH...`: offline checks, no network and no credentials."""

from __future__ import annotations

import click

from reconciler import api, output
from reconciler.cli.fleet_options import FleetSelection, fleet_options
from reconciler.cli.render import show

FORMATS = output.formats("validation")


@click.command("validate")
@click.argument("paths", nargs=-1, metavar="PATH...")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text for terminals; github for workflow commands that annotate a pull request; "
    "json for scripts; sarif (2.1.0) for code scanning.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Values outside this version's lists of Twilio's values (permissions, filters, "
    "types, methods) and text longer than Twilio documents are errors, not warnings (in "
    "every target of a fleet too). `policy.strict: true` in the configuration does the same "
    "for every command.",
)
@fleet_options
def command(
    paths: tuple[str, ...], output_format: str, strict: bool, fleet: FleetSelection
) -> None:
    """Check configuration files offline: no network, no credentials.

    Each PATH is a YAML file or a folder (its *.yaml and *.yml files, sorted by name); several
    merge in order, later wins. Checks the YAML itself (duplicate keys, variables), unknown keys
    and types, and Twilio's own rules: E.164 numbers and address forms, absolute URLs, ISO 8601
    timers and their minimums, webhook filters, role permissions per role type, auto-creation
    and credential fields per type, SIDs, and that references (default_service,
    conversation_service, default roles, protected_services) resolve, and that every `null`
    is one Twilio can apply. Then the team's rules in policy.webhooks: allowed and denied
    hosts, https, development tunnels, required events.

    A value outside this version's lists (a permission, filter, type or method Twilio added
    after this release) is a warning: it is kept and sent to Twilio as written, and Twilio
    judges it. --strict makes those warnings errors.

    Exit 0 when valid (warnings allowed), 1 when not. With the text format every problem is
    printed as `file:line: message` on stderr; json and sarif print one document on stdout;
    github prints `::error file=...,line=...::` workflow commands on stdout. With --all,
    --target or --shard, validate every selected target of the targets file (docs/fleet.md).
    """
    if fleet.requested:
        from reconciler.cli import fleet_commands

        fleet_commands.validate(fleet, paths, output_format, strict)
    fleet.require_paths(paths)
    result = api.validate(paths, strict=strict)
    show(output_format, result)
    if not result.valid:
        click.get_current_context().exit(1)
