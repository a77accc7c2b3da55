"""`reconciler validate PATH...`: offline checks, no network and no credentials."""

from __future__ import annotations

import click

from reconciler import lint
from reconciler.cli.counts import count, describe_counts
from reconciler.cli.fleet_options import FleetSelection, fleet_options
from reconciler.config import ConfigError, LoadedConfig, load_config
from reconciler.findings import (
    Finding,
    Report,
    findings_from_issues,
    render_github,
    render_json,
    render_sarif,
    render_text,
)
from reconciler.findings import count as count_findings

FORMATS = ("text", "json", "github", "sarif")


def summary(loaded: LoadedConfig) -> str:
    """What the configuration manages, e.g. "2 services, 5 roles, 3 address configurations"."""
    return describe_counts(loaded.resource_counts())


def check(paths: tuple[str, ...], strict: bool = False) -> tuple[Report, LoadedConfig | None]:
    """Load and lint: every finding, and the configuration when it could be loaded."""
    try:
        loaded = load_config(paths, defer_secrets=True, strict=strict)
    except ConfigError as error:
        return Report(paths=paths, findings=findings_from_issues(error.issues)), None
    report = Report(
        paths=paths,
        findings=lint.check(loaded),
        files=[str(file) for file in loaded.files],
        resources=loaded.resource_counts(),
    )
    return report, loaded


def _verdict(shown: str, report: Report, loaded: LoadedConfig | None) -> str:
    counts = count_findings(report.findings)
    warnings = counts["warnings"]
    if report.valid and loaded is not None:
        extra = f"; {count(warnings, 'warning')}" if warnings else ""
        return f"{shown}: valid ({summary(loaded)}{extra})"
    extra = f", {count(warnings, 'warning')}" if warnings else ""
    return f"{shown}: invalid ({count(counts['errors'], 'error')}{extra})"


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
    report, loaded = check(paths, strict)
    findings: list[Finding] = list(report.findings)
    verdict = _verdict(" ".join(paths), report, loaded)
    if output_format == "json":
        click.echo(render_json(report), nl=False)
        click.echo(verdict, err=True)
    elif output_format == "sarif":
        click.echo(render_sarif(report), nl=False)
        click.echo(verdict, err=True)
    elif output_format == "github":
        click.echo(render_github(findings), nl=False)
        click.echo(verdict, err=not report.valid)
    else:
        click.echo(render_text(findings), err=True, nl=False)
        click.echo(verdict, err=not report.valid)
    if not report.valid:
        click.get_current_context().exit(1)
