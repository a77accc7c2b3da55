"""`reconciler validate PATH...`: offline checks, no network and no credentials."""

from __future__ import annotations

import click

from reconciler.config import ConfigError, LoadedConfig, load_config


def _count(number: int, singular: str, plural: str | None = None) -> str:
    return f"{number} {singular if number == 1 else (plural or singular + 's')}"


def summary(loaded: LoadedConfig) -> str:
    """What the configuration manages, e.g. "2 services, 5 roles, 3 address configurations"."""
    config = loaded.config
    return ", ".join(
        [
            _count(len(config.services), "service"),
            _count(sum(len(service.roles) for service in config.services.values()), "role"),
            _count(len(config.address_configurations), "address configuration"),
            _count(len(config.credentials), "credential"),
        ]
    )


@click.command("validate")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
def command(paths: tuple[str, ...]) -> None:
    """Check configuration files offline: no network, no credentials.

    Each PATH is a YAML file or a folder (its *.yaml and *.yml files, sorted by name); several
    merge in order, later wins. Checks the YAML itself (duplicate keys, variables), unknown keys
    and types, and Twilio's own rules: E.164 numbers and address forms, absolute URLs, ISO 8601
    timers and their minimums, webhook filters, role permissions per role type, auto-creation
    and credential fields per type, SIDs, and that references (default_service,
    conversation_service, default roles, protected_services) resolve.

    Exit 0 with a one-line summary when valid; exit 1 with every problem as `file:line: message`
    on stderr.
    """
    shown = " ".join(paths)
    try:
        loaded = load_config(paths)
    except ConfigError as error:
        for issue in error.issues:
            click.echo(str(issue), err=True)
        count = len(error.issues)
        click.echo(f"{shown}: invalid ({_count(count, 'error')})", err=True)
        click.get_current_context().exit(1)
    click.echo(f"{shown}: valid ({summary(loaded)})")
