"""Options and helpers shared by the commands that talk to an account."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import click
from click.core import ParameterSource

from reconciler.config import LoadedConfig, load_config
from reconciler.live.api import DEFAULT_CONCURRENCY, LiveApi
from reconciler.live.connection import Connection, ConnectionSettings

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
    settings = (
        ConnectionSettings.local()
        if local
        else ConnectionSettings.from_environment(endpoint=endpoint)
    )
    with Connection(settings) as connection:
        yield LiveApi(connection.client, concurrency=concurrency)


def use_colour() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def load_for_account(paths: list[str]) -> LoadedConfig:
    """The configuration plan and apply work from: every variable must be set."""
    return load_config(paths)


def echo_warnings(loaded: LoadedConfig) -> None:
    """Warnings and notices from loading (skipped files, ...), on stderr before the output."""
    for issue in loaded.warnings:
        click.echo(str(issue), err=True)
