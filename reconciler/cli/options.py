"""Options and helpers shared by the commands that talk to an account."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import click
from click.core import ParameterSource

from reconciler.config import ConfigError, LoadedConfig, load_config
from reconciler.errors import ReconcilerError
from reconciler.live.api import DEFAULT_CONCURRENCY, LiveApi
from reconciler.live.connection import Connection, ConnectionSettings, endpoint_path_problem

F = TypeVar("F", bound=Callable[..., Any])


def connection_options(function: F) -> F:
    """--local, --endpoint and --concurrency, in that order in --help."""
    decorators = [
        click.option(
            "--local",
            is_flag=True,
            help="Use the embedded emulator (state under .reconciler/ in the working directory) "
            "instead of Twilio; no credentials needed.",
        ),
        click.option(
            "--endpoint",
            metavar="URL",
            envvar="RECONCILER_ENDPOINT",
            help="Send the Conversations API calls to this base URL, such as a running "
            "`reconciler emulator serve` [env: RECONCILER_ENDPOINT].",
        ),
        click.option(
            "--concurrency",
            type=click.IntRange(1, 64),
            default=DEFAULT_CONCURRENCY,
            show_default=True,
            help="Most API calls in flight at once.",
        ),
    ]
    for decorator in reversed(decorators):
        function = decorator(function)
    return function


@contextmanager
def open_api(local: bool, endpoint: str | None, concurrency: int) -> Iterator[LiveApi]:
    """Credentials from TWILIO_* variables, or none with --local.

    --local wins over RECONCILER_ENDPOINT from the environment; only an explicit --endpoint
    conflicts with it.
    """
    context = click.get_current_context(silent=True)
    from_environment = (
        context is not None
        and context.get_parameter_source("endpoint") is ParameterSource.ENVIRONMENT
    )
    if local and endpoint and not from_environment:
        raise click.UsageError("--local and --endpoint cannot be used together")
    if endpoint and not local:
        _check_endpoint(endpoint)
    settings = (
        ConnectionSettings.local()
        if local
        else ConnectionSettings.from_environment(endpoint=endpoint)
    )
    with Connection(settings) as connection:
        yield LiveApi(connection.client, concurrency=concurrency)


def _check_endpoint(endpoint: str) -> None:
    """The base URL only: the API's own paths (/v1/...) are added by the client."""
    problem = endpoint_path_problem(endpoint)
    if problem:
        raise click.UsageError(problem)


def confirm(auto_approve: bool, question: str) -> None:
    """A person types `yes`, or --auto-approve stands for them; refused off a terminal."""
    if auto_approve:
        return
    if not sys.stdin.isatty():
        raise ReconcilerError(
            "nothing was applied: not on a terminal, so no one can confirm; pass --auto-approve"
        )
    answer = click.prompt(f"{question} Only 'yes' is accepted", default="", show_default=False)
    if answer.strip() != "yes":
        raise ReconcilerError("apply cancelled; nothing was changed")


def use_colour() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def load_for_account(paths: list[str], output_format: str = "text") -> LoadedConfig:
    """The configuration plan and apply work from: every variable set, the team's policy met.

    Findings go to stderr (as workflow commands on stdout with --format github, so they
    annotate the pull request); a policy error stops the run before any API call.
    """
    from reconciler import lint
    from reconciler.findings import findings_from_issues, render_github
    from reconciler.findings import render_text as render_findings

    try:
        loaded = load_config(paths)
    except ConfigError as error:
        if output_format == "github":
            click.echo(render_github(findings_from_issues(error.issues)), nl=False)
        raise
    findings = lint.check(loaded)
    if output_format == "github":
        click.echo(render_github(findings), nl=False)
    else:
        shown = [finding for finding in findings if finding.severity != "error"]
        if shown:
            click.echo(render_findings(shown), err=True, nl=False)
    lint.raise_for_errors(findings)
    return loaded


def only_option(function: F) -> F:
    """--only SELECTOR, repeatable: a partial plan (Terraform's -target)."""
    return click.option(
        "--only",
        "only",
        multiple=True,
        metavar="SELECTOR",
        help="Plan only part of the configuration (repeatable): services, services.KEY, "
        "services.KEY.roles.NAME, roles, credentials[.KEY], address_configurations[.ADDRESS], "
        "account. References still resolve; prune deletes nothing outside the selection.",
    )(function)


def check_selectors(only: tuple[str, ...], loaded: LoadedConfig) -> None:
    """Refuse a selector that names nothing before any API call."""
    from reconciler.plan.select import parse_selectors

    parse_selectors(only, loaded.config)
