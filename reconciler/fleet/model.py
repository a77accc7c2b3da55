"""A fleet as the targets file declares it: targets, how each authenticates, its variables.

Plain data (loader.py builds it with file:line errors; everything else reads it). A target is
one account: configuration paths that merge as the single-account commands merge them, the
variables that make a shared base config fit this account, an optional account pin, and how
to reach the account: environment variables naming its own credentials, or "a subaccount of
the parent", whose auth token the parent's credentials read through the Accounts API.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

ACCOUNT_SID = re.compile(r"^AC[0-9a-fA-F]{32}$")
TARGET_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
DEFAULT_TARGETS_FILE = "reconciler-targets.yaml"
TARGETS_FILE_VARIABLE = "RECONCILER_TARGETS"
DEFAULT_PARALLEL = 64
"""Targets at once. Each has its own `--concurrency` calls in flight, so a run makes at most
parallel x concurrency calls at once (512 by default; a no-change plan has about 5 in flight
per target, on connections the targets share). Enough targets must be in flight to keep the
client busy while each waits for its round trips: at 32, a fleet of small tenants at 50 ms
left the client idle for part of each wave (5.8 single-account plans for 100 targets, 4.5 at
64; benchmarks/fleet.py)."""
TARGET_VARIABLE = "RECONCILER_TARGET"
"""Set to the target's name in every target's environment, for configs to use."""


@dataclass(frozen=True)
class CredentialVariables:
    """Names of environment variables (never values): an account SID with an auth token, or
    with an API key and its secret."""

    account_sid: str
    auth_token: str | None = None
    api_key: str | None = None
    api_secret: str | None = None
    where: str | None = None
    """file:line of the declaration, for messages."""

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(
            name
            for name in (self.account_sid, self.auth_token, self.api_key, self.api_secret)
            if name
        )


DEFAULT_PARENT = CredentialVariables(account_sid="TWILIO_ACCOUNT_SID")
"""The twilio library's own variables: TWILIO_AUTH_TOKEN, or TWILIO_API_KEY and
TWILIO_API_SECRET when they are set (as for a single account)."""


@dataclass(frozen=True)
class SubaccountRef:
    """A subaccount of the parent, by SID or by friendly name (exact, as Twilio filters)."""

    sid: str | None = None
    friendly_name: str | None = None

    def __str__(self) -> str:
        return self.sid or repr(self.friendly_name)


@dataclass(frozen=True)
class Target:
    name: str
    config: tuple[str, ...]
    """Configuration paths, relative to the working directory (resolved from the file)."""
    variables: dict[str, str] = field(default_factory=dict)
    account: str | None = None
    """The account pin: plan and apply refuse any other account."""
    credentials: CredentialVariables | None = None
    subaccount: SubaccountRef | None = None
    where: str = ""
    """file:line of the target's entry."""
    account_where: str | None = None
    region: str | None = None
    """Twilio region (ie1, au1, ...) of the target's account; None: TWILIO_REGION."""
    edge: str | None = None
    """Twilio edge location (dublin, sydney, ...); None: TWILIO_EDGE."""

    @property
    def pin(self) -> str | None:
        """The account this target must reach: the declared pin, or the subaccount's SID."""
        if self.account:
            return self.account
        return self.subaccount.sid if self.subaccount else None

    def environment(self, base: dict[str, str]) -> dict[str, str]:
        """The variables this target's configuration is loaded with."""
        return {**base, TARGET_VARIABLE: self.name, **self.variables}


@dataclass(frozen=True)
class Fleet:
    path: Path
    """The targets file as given (relative paths stay relative, for messages)."""
    targets: tuple[Target, ...]
    parent: CredentialVariables = DEFAULT_PARENT

    @property
    def uses_parent(self) -> bool:
        return any(target.subaccount is not None for target in self.targets)
