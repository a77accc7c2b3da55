"""Options and helpers shared by the commands that talk to an account."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import click
from click.core import ParameterSource

from reconciler.api import Approve, Connect
from reconciler.errors import ReconcilerError
from reconciler.live.api import DEFAULT_CONCURRENCY
from reconciler.live.connection import endpoint_path_problem

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


@dataclass(frozen=True)
class CommandLineConnect(Connect):
    """--local, --endpoint and --concurrency as given: checked, as usage errors, when the
    command connects (after the configuration is read, as before). --local wins over
    RECONCILER_ENDPOINT from the environment; only an explicit --endpoint conflicts with it."""

    endpoint_from_environment: bool = False

    def check(self, fleet: bool = False) -> None:
        if self.local and self.endpoint and not self.endpoint_from_environment:
            raise click.UsageError("--local and --endpoint cannot be used together")
        if self.local or not self.endpoint:
            return
        if fleet and not re.match(r"^https?://[^/\s]+", self.endpoint):
            raise click.UsageError(
                f"--endpoint {self.endpoint!r} is not an http(s) URL such as http://127.0.0.1:4010"
            )
        problem = endpoint_path_problem(self.endpoint)
        if problem:
            raise click.UsageError(problem)


def connect(local: bool, endpoint: str | None, concurrency: int) -> CommandLineConnect:
    """The connection options of the command running now."""
    context = click.get_current_context(silent=True)
    from_environment = (
        context is not None
        and context.get_parameter_source("endpoint") is ParameterSource.ENVIRONMENT
    )
    return CommandLineConnect(
        local=local,
        endpoint=endpoint,
        concurrency=concurrency,
        endpoint_from_environment=from_environment,
    )


def approver(auto_approve: bool) -> Approve | None:
    """A person types `yes`, or --auto-approve stands for them; refused off a terminal."""
    if auto_approve:
        return None

    def ask(question: str) -> bool:
        if not sys.stdin.isatty():
            raise ReconcilerError(
                "nothing was applied: not on a terminal, so no one can confirm; pass --auto-approve"
            )
        answer = click.prompt(f"{question} Only 'yes' is accepted", default="", show_default=False)
        return bool(answer.strip() == "yes")

    return ask


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
