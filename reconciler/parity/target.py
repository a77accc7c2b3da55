"""Where a parity run sends its calls: the in-process emulator (the default), another endpoint
on this machine, or Twilio itself, but only when the user names the account.

A run against Twilio creates, changes and deletes configuration, so it needs two things that a
mistake does not produce together: real credentials (`TWILIO_ACCOUNT_SID` with
`TWILIO_AUTH_TOKEN`, or `TWILIO_API_KEY` and `TWILIO_API_SECRET`) and
`RECONCILER_PARITY_ACCOUNT` set to that same account SID. A shell that happens to hold
production credentials does not run the suite against production; an opt-in copied from
another account's setup is refused because it names another account. An endpoint other than
loopback (a proxy) needs the same opt-in, and so does any endpoint, loopback included (an SSH
tunnel to Twilio), reached with credentials from the environment rather than the emulator's
defaults.

Before anything runs (the start-of-run cleanup included), every target but the in-process
emulator is asked which account the credentials reach (`GET /v1/Configuration` answers its
`account_sid`): an API key reaches its own account whatever `TWILIO_ACCOUNT_SID` says, so the
run is refused unless that is the account the opt-in names (without an opt-in, a loopback
endpoint with the emulator's defaults: the defaults' account).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from twilio.base.exceptions import TwilioException
from twilio.rest import Client

from reconciler.emulator import defaults
from reconciler.emulator.server import EmulatorServer
from reconciler.live.connection import ConnectionSettings, build_client
from reconciler.testing import close_client

OPT_IN = "RECONCILER_PARITY_ACCOUNT"
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
TARGETS = ("emulator", "endpoint", "twilio")


class TargetRefused(Exception):
    """The run may not go where it was pointed; the message says what is missing."""


@dataclass(frozen=True)
class Target:
    """A target, resolved: what the snapshots' `source` says and how to reach it."""

    kind: str
    """`emulator` (in-process), `endpoint` (a Twilio-compatible URL) or `twilio`."""
    settings: ConnectionSettings
    endpoint: str | None
    """Base URL for `emulator`/`endpoint`; None for Twilio."""
    secrets: tuple[str, ...]
    """The credentials' secret halves: never written to a snapshot."""
    live: bool = False
    """Twilio itself, an endpoint off this machine, or any endpoint reached with credentials
    from the environment (a tunnel): each may lead to Twilio, where what a scenario buys is
    charged. Exactly the targets that need the opt-in."""

    @property
    def bases(self) -> tuple[str, ...]:
        return (self.endpoint,) if self.endpoint else ()

    def client(self) -> Client:
        return build_client(self.settings, self.endpoint)


def _credentials(environ: Mapping[str, str]) -> ConnectionSettings:
    account = environ.get("TWILIO_ACCOUNT_SID", "")
    key, secret = environ.get("TWILIO_API_KEY", ""), environ.get("TWILIO_API_SECRET", "")
    token = environ.get("TWILIO_AUTH_TOKEN", "")
    if not account or not ((key and secret) or token):
        raise TargetRefused(
            "set TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN (or TWILIO_API_KEY and "
            "TWILIO_API_SECRET) for the account to run against"
        )
    username, password = (key, secret) if key and secret else (account, token)
    return ConnectionSettings(account_sid=account, username=username, password=password)


def _require_opt_in(settings: ConnectionSettings, environ: Mapping[str, str], where: str) -> None:
    named = environ.get(OPT_IN, "")
    if not named:
        raise TargetRefused(
            f"running the parity suite against {where} creates and deletes configuration in "
            f"account {settings.account_sid}: set {OPT_IN}={settings.account_sid} to say that "
            "this is the dedicated test account"
        )
    if named != settings.account_sid:
        raise TargetRefused(
            f"{OPT_IN} names {named}, but the credentials are for {settings.account_sid}: "
            "refusing to run against an account the opt-in does not name"
        )


EMULATOR_DEFAULTS = (
    ConnectionSettings(
        account_sid=defaults.ACCOUNT_SID,
        username=defaults.ACCOUNT_SID,
        password=defaults.AUTH_TOKEN,
    ),
    ConnectionSettings(
        account_sid=defaults.ACCOUNT_SID,
        username=defaults.API_KEY_SID,
        password=defaults.API_KEY_SECRET,
    ),
)
"""The emulator's default credentials (auth token, API key): never a Twilio account's, so a
loopback endpoint reached with them (unset, or exported as `emulator serve` prints them) is an
emulator and needs no opt-in."""


def resolve(
    kind: str, endpoint: str | None = None, environ: Mapping[str, str] | None = None
) -> Target | None:
    """The target for `kind`; None for the in-process emulator (started by `open_target`)."""
    env = os.environ if environ is None else environ
    if kind == "emulator":
        return None
    if kind == "endpoint":
        if not endpoint:
            raise TargetRefused("--target endpoint needs --endpoint URL")
        settings = _credentials(env) if env.get("TWILIO_ACCOUNT_SID") else EMULATOR_DEFAULTS[0]
        remote = (urlsplit(endpoint).hostname or "") not in LOOPBACK
        live = remote or settings not in EMULATOR_DEFAULTS
        if live:
            _require_opt_in(settings, env, endpoint)
        return Target("endpoint", settings, endpoint.rstrip("/"), (settings.password,), live)
    if kind == "twilio":
        if env.get("RECONCILER_ENDPOINT"):
            raise TargetRefused(
                "RECONCILER_ENDPOINT is set: --target twilio goes to Twilio itself; use "
                "--target endpoint for another endpoint"
            )
        settings = _credentials(env)
        _require_opt_in(settings, env, "Twilio")
        return Target("twilio", settings, None, (settings.password,), live=True)
    raise TargetRefused(f"unknown target {kind!r}: one of {', '.join(TARGETS)}")


def reached_account(client: Client) -> str:
    """The account the client's credentials reach, as the API answers for it."""
    try:
        reached = client.conversations.v1.configuration().fetch().account_sid
    except (TwilioException, OSError) as error:
        raise TargetRefused(
            f"could not read which account the credentials reach (GET /v1/Configuration): {error}"
        ) from error
    if not reached:
        raise TargetRefused("GET /v1/Configuration names no account_sid: which account is it?")
    return str(reached)


def verify_account(
    target: Target, client: Client, environ: Mapping[str, str] | None = None
) -> None:
    """Refuse the run unless the credentials reach the account the opt-in names (the
    credentials' own account, which `resolve` made sure the opt-in names when one is needed)."""
    env = os.environ if environ is None else environ
    expected = target.settings.account_sid
    reached = reached_account(client)
    if reached != expected:
        who = f"{OPT_IN} names" if env.get(OPT_IN) == expected else "the credentials name"
        raise TargetRefused(
            f"the credentials reach account {reached}, not {expected} that {who} (an API key "
            "reaches its own account): refusing to run against an account the opt-in does "
            "not name"
        )


@contextmanager
def open_target(
    kind: str = "emulator",
    endpoint: str | None = None,
    environ: Mapping[str, str] | None = None,
    **emulator_options: Any,
) -> Iterator[tuple[Target, Client]]:
    """The target and an SDK client for it; an in-process emulator lives as long as the block."""
    target = resolve(kind, endpoint, environ)
    server: EmulatorServer | None = None
    if target is None:
        server = EmulatorServer(host="127.0.0.1", port=0, **emulator_options).start()
        settings = ConnectionSettings(
            account_sid=server.account_sid,
            username=server.account_sid,
            password=server.auth_token,
        )
        target = Target(
            "emulator", settings, server.url, (server.auth_token, server.api_key_secret)
        )
    client = target.client()
    try:
        if server is None:
            verify_account(target, client, environ)
        yield target, client
    finally:
        close_client(client)
        if server is not None:
            server.stop()
