"""`reconciler emulator serve`: run the local Twilio Conversations emulator in the foreground.

Like every command: its options parsed, one API call (`api.serve_emulator` starts the server in
threads of its own) and its banner rendered (the text format's `emulator` result). What is left
here is a foreground process's own life: waiting for SIGTERM or Ctrl-C, then stopping the
server and saying so.
"""

from __future__ import annotations

import re
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType

import click

from reconciler import api, redact
from reconciler.api.emulator import DEFAULT_PORT
from reconciler.cli.main import INTERRUPTED_EXIT_CODE
from reconciler.cli.render import notifier, show
from reconciler.emulator import catalog, defaults
from reconciler.emulator.apis.accounts import models as accounts

_ACCOUNT_SID = re.compile(r"^AC[0-9a-fA-F]{32}$")
_API_KEY = re.compile(r"^SK[0-9a-fA-F]{32}$")


def _check_sid(
    pattern: re.Pattern[str], what: str
) -> Callable[[click.Context, click.Parameter, str], str]:
    def check(ctx: click.Context, param: click.Parameter, value: str) -> str:
        if not pattern.match(value):
            raise click.BadParameter(f"expected {what} followed by 32 hex digits, got {value!r}")
        return value

    return check


def _non_empty(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if not value:
        raise click.BadParameter("must not be empty")
    return value


@click.group("emulator")
def command() -> None:
    """Run the local Twilio Conversations emulator."""


@command.command("serve")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Interface to bind. Loopback by default; anything else exposes the emulator.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="TCP port; 0 picks a free one (the URL printed says which).",
)
@click.option(
    "--state",
    "state",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="JSON state file: resumed if it exists, every write saved atomically. "
    "Without it the state lives in memory only.",
)
@click.option(
    "--account-sid",
    default=defaults.ACCOUNT_SID,
    show_default=True,
    callback=_check_sid(_ACCOUNT_SID, "'AC'"),
    help="Account SID the emulator answers as.",
)
@click.option(
    "--auth-token",
    default=defaults.AUTH_TOKEN,
    show_default=True,
    callback=_non_empty,
    help="Auth token accepted with the account SID.",
)
@click.option(
    "--api-key",
    default=defaults.API_KEY_SID,
    show_default=True,
    callback=_check_sid(_API_KEY, "'SK'"),
    help="API key SID accepted with --api-secret.",
)
@click.option(
    "--api-key-type",
    type=click.Choice(accounts.API_KEY_TYPES),
    default="standard",
    show_default=True,
    help="Type of the API key: a Standard key cannot list, create or update subaccounts "
    "(Twilio's rule); a Main key can.",
)
@click.option(
    "--api-secret",
    default=defaults.API_KEY_SECRET,
    show_default=True,
    callback=_non_empty,
    help="Secret of the API key.",
)
@click.option(
    "--latency-ms",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Delay added to every API request.",
)
@click.option(
    "--fault-rate",
    type=click.FloatRange(0.0, 1.0),
    default=0.0,
    show_default=True,
    help="Share of API requests that fail (500, 503, 429, dropped before or after commit).",
)
@click.option("--seed", type=int, default=None, help="Seed for the fault sequence (reproducible).")
@click.option(
    "--retry-after",
    "retry_after",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Retry-After seconds sent with injected 429s.",
)
@click.option(
    "--aps-limit",
    "aps_limit",
    type=click.IntRange(min=0),
    default=catalog.DEFAULT_APS_LIMIT,
    show_default=True,
    help="Role writes and conversation creates and deletes allowed per second per service "
    "(conversation updates: per conversation), as Twilio limits them (more get 429 with code "
    "50063); 0 turns the limit off.",
)
@click.option(
    "--subaccounts",
    type=click.IntRange(0, accounts.MAX_SUBACCOUNTS),
    default=0,
    show_default=True,
    help="Make sure subaccounts tenant-001 ... tenant-N of the main account exist, each with "
    "its own Conversations state (kept in --state, so a restart adds none). Their auth tokens "
    "are never printed: the main account's credentials read them through the Accounts API.",
)
def serve(
    host: str,
    port: int,
    state: Path | None,
    account_sid: str,
    auth_token: str,
    api_key: str,
    api_key_type: str,
    api_secret: str,
    latency_ms: int,
    fault_rate: float,
    seed: int | None,
    retry_after: int,
    aps_limit: int,
    subaccounts: int,
) -> None:
    """Serve the emulated Conversations API (and the Accounts API of the main account and its
    subaccounts) until SIGTERM or Ctrl-C."""
    serving = api.serve_emulator(
        host=host,
        port=port,
        state=state,
        account_sid=account_sid,
        auth_token=auth_token,
        api_key=api_key,
        api_key_type=api_key_type,
        api_secret=api_secret,
        latency_ms=latency_ms,
        fault_rate=fault_rate,
        seed=seed,
        retry_after=retry_after,
        aps_limit=aps_limit,
        subaccounts=subaccounts,
        notify=notifier("text"),
    )
    stop = threading.Event()
    received: list[int] = []

    def on_signal(signum: int, frame: FrameType | None) -> None:
        received.append(signum)
        stop.set()

    # The emulator's credentials are its own, printed for clients to use: not masked even when
    # the environment holds them (as the banner says to export), unlike a real credential.
    redact.forget([auth_token, api_secret])
    previous = {
        signum: signal.signal(signum, on_signal) for signum in (signal.SIGTERM, signal.SIGINT)
    }
    try:
        show("text", serving)
        while not stop.wait(0.2):
            pass
    finally:
        # Restored first: a second Ctrl-C while the state is saved interrupts the save, which
        # leaves the journal of every acknowledged write (docs/emulator.md).
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        serving.stop()
    show("text", api.Message("Emulator stopped.", to_stderr=False))
    if signal.SIGINT in received:  # Ctrl-C: 130 like every interrupted command; SIGTERM: 0
        raise click.exceptions.Exit(INTERRUPTED_EXIT_CODE)
