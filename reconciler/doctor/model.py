"""What `reconciler doctor` found, as data: the renderers and the exit code read only this."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

UNKNOWN_VALUE = "unknown_value"
"""A value outside one of this version's lists of Twilio's values (filters, permissions, ...)."""
UNKNOWN_TYPE = "unknown_type"
"""A resource of a type this version does not know (address, credential or role type)."""
UNREAD_FIELD = "unread_field"
"""A field the API returned that this version's kinds do not read."""
DANGLING_REFERENCE = "dangling_reference"
"""A SID that should name a service or role of the account, or a Messaging Service or Studio
Flow, and names nothing there; an SMS address that is not one of the account's numbers."""
TOO_LONG = "too_long"
"""Text longer than Twilio documents."""
NAMELESS = "nameless"
"""A resource without the name the configuration matches it by (Twilio's names are optional
for some kinds): plan never manages it and prune keeps it."""
PROBLEMS: tuple[str, ...] = (
    UNKNOWN_TYPE,
    UNKNOWN_VALUE,
    UNREAD_FIELD,
    DANGLING_REFERENCE,
    TOO_LONG,
    NAMELESS,
)

NOTHING_UNKNOWN_EXIT_CODE = 0
SOMETHING_UNKNOWN_EXIT_CODE = 2


@dataclass(frozen=True)
class Credentials:
    """Which credentials the client sends: never the secret half (token or key secret)."""

    type: str
    """`auth_token` or `api_key`."""
    account_sid: str
    """The account the credentials were given for (TWILIO_ACCOUNT_SID)."""
    api_key_sid: str | None
    source: str
    """`environment` (the TWILIO_* variables) or `local` (the embedded emulator's own)."""

    def describe(self) -> str:
        if self.api_key_sid:
            return f"API key {self.api_key_sid} for account {self.account_sid}"
        return f"the auth token of account {self.account_sid}"


@dataclass(frozen=True)
class Endpoint:
    """Where the calls went and what the answers showed of the server."""

    url: str
    local: bool
    region: str | None
    edge: str | None
    answers_like_twilio: bool
    """Every answer had Twilio's shape (otherwise doctor stops with the problem, exit 1)."""
    server: str | None
    """The answers' Server header, if any (the emulator names itself there)."""
    request_id_header: bool
    """Whether the answers carried Twilio-Request-Id, as Twilio's own do."""


@dataclass(frozen=True)
class Concurrency:
    """The concurrency headers doctor looks for, and the ones Twilio sent."""

    looked_for: tuple[str, ...]
    sent: dict[str, str]
    """Header -> its highest value seen (the last one, when not a number)."""


@dataclass(frozen=True)
class Unknown:
    """One thing in the account this version does not know, and where it is."""

    kind: str
    key: str
    """How people name the resource: `Support/agent`, `sms:+15017122661`, `account`."""
    sid: str | None
    """The resource's SID; for a service's settings, the service's; None for the account's."""
    field: str
    """Dotted path: the configuration's name for the field, or the API's for an unread one."""
    value: Any
    problem: str
    """One of PROBLEMS."""
    message: str


@dataclass(frozen=True)
class NotChecked:
    """Something doctor could not read with these credentials (a restricted key without the
    permission): what it is and Twilio's refusal, which names the permission."""

    what: str
    reason: str


@dataclass
class DoctorReport:
    """Everything `reconciler doctor` checked, in the order it prints it."""

    credentials: Credentials
    account_sid: str | None
    """The account the API answered for (its own records' account_sid)."""
    endpoint: Endpoint
    clock_skew_seconds: int | None
    """Twilio's clock minus this machine's, in whole seconds; None without a Date header."""
    answers: int
    """Answers observed (the last of each read)."""
    answers_with_date: int
    concurrency: Concurrency
    resources: dict[str, int]
    """Kind name -> how many were read."""
    unknown: list[Unknown] = field(default_factory=list)
    not_checked: list[NotChecked] = field(default_factory=list)
    """Reads the credentials were refused: what they would have shown is not in `unknown`."""

    @property
    def summary(self) -> dict[str, Any]:
        return {
            "unknown": len(self.unknown),
            "not_checked": len(self.not_checked),
            "by_problem": {
                problem: sum(1 for item in self.unknown if item.problem == problem)
                for problem in PROBLEMS
            },
            "resources": dict(self.resources),
            "answers": self.answers,
            "answers_with_date": self.answers_with_date,
        }

    @property
    def account_matches(self) -> bool:
        """The API answered for the account the credentials name (unknown counts as a match:
        there is nothing to compare)."""
        return self.account_sid is None or self.account_sid == self.credentials.account_sid

    @property
    def exit_code(self) -> int:
        return SOMETHING_UNKNOWN_EXIT_CODE if self.unknown else NOTHING_UNKNOWN_EXIT_CODE
