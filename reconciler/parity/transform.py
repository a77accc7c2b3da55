"""Transformers: what makes one run's answers comparable with another's, and secrets absent.

Values that change between runs or between accounts are replaced by stable placeholders, as
LocalStack's snapshot transformers do: each SID by `<PREFIX:n>` (n counts distinct SIDs of that
prefix in order of first appearance within one scenario, so the same SID is the same placeholder
across the scenario), ISO 8601 dates by `<date>` and RFC 2822 dates by `<date:rfc2822>` (the
format is part of the contract: the SDK parses each API's own), the target's base URL by
`<base>` (and a Twilio host that requests name in their path, Messaging's and Studio's, by
`<base>/<host>`, the form the emulator answers with behind its own URL), page tokens by
`<page-token>`, the run's name prefix by `parity-<run>-`, and every secret by `<secret>`: by
field name (auth tokens, push-credential secrets) and by value (any string holding a value the
run knows as secret).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from reconciler.parity import spec

SID = re.compile(r"\b([A-Z]{2})([0-9a-f]{32})\b")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$")
RFC2822_DATE = re.compile(r"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$")
PAGE_TOKEN = re.compile(r"(PageToken=)[^&]+")
TWILIO_BASES = (
    "https://conversations.twilio.com",
    "https://api.twilio.com",
)
HOST_BASES = tuple((f"https://{host}", f"<base>/{host}") for host in spec.HOST_PREFIXED.values())
"""Twilio's hosts that requests name in their path (spec.HOST_PREFIXED): `<base>/<host>`, the
form the emulator answers with behind its own base URL, so both read the same."""
SECRET_FIELDS = frozenset(
    {"auth_token", "certificate", "private_key", "api_key", "secret", "password"}
)
"""Response or request fields that hold a secret, whatever their value (snake or Pascal case
are both matched, after lower-casing and removing underscores)."""
SECRET = "<secret>"
MIN_SECRET_LENGTH = 6
"""Shorter values are not scanned for (they would match ordinary text); every secret the
suite handles is longer."""
RUN_PLACEHOLDER = "parity-<run>-"


def is_secret_field(name: str) -> bool:
    folded = name.replace("_", "").replace(".", "").lower()
    return any(folded == item.replace("_", "") for item in SECRET_FIELDS)


@dataclass
class Transformer:
    """One scenario's transformer: keeps its SID numbering from the first answer to the last."""

    bases: tuple[str, ...]
    """Base URLs of the target (the emulator's http://127.0.0.1:port, or Twilio's hosts)."""
    run_prefix: str
    secrets: set[str] = field(default_factory=set)
    account_sid: str | None = None
    replacements: dict[str, str] = field(default_factory=dict)
    """Account-specific values the run was given (the address it configures) -> placeholder."""
    _numbers: dict[str, str] = field(default_factory=dict)
    _counts: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.account_sid:
            self.placeholder(self.account_sid)  # the caller's account is always <AC:1>

    def add_secrets(self, values: Iterable[Any]) -> None:
        self.secrets.update(
            str(value) for value in values if value and len(str(value)) >= MIN_SECRET_LENGTH
        )

    def placeholder(self, sid: str) -> str:
        if sid not in self._numbers:
            prefix = sid[:2]
            self._counts[prefix] = self._counts.get(prefix, 0) + 1
            self._numbers[sid] = f"<{prefix}:{self._counts[prefix]}>"
        return self._numbers[sid]

    def text(self, value: str) -> str:
        """One string, every rule applied (secrets first, so no rule can split one)."""
        for secret in sorted(self.secrets, key=len, reverse=True):
            value = value.replace(secret, SECRET)
        if ISO_DATE.match(value):
            return "<date>"
        if RFC2822_DATE.match(value):
            return "<date:rfc2822>"
        bases = [(base, "<base>") for base in (*self.bases, *TWILIO_BASES)]
        for base, placeholder in (*bases, *HOST_BASES):
            if value.startswith(base):
                value = placeholder + value[len(base) :]
        value = PAGE_TOKEN.sub(r"\1<page-token>", value)
        for given, placeholder in self.replacements.items():
            value = value.replace(given, placeholder)
        value = value.replace(self.run_prefix, RUN_PLACEHOLDER)
        return SID.sub(lambda found: self.placeholder(found.group(0)), value)

    def value(self, data: Any, key: str = "") -> Any:
        """A JSON value with every rule applied; `key` is the field it sits under."""
        if isinstance(data, dict):
            return {name: self.value(item, name) for name, item in data.items()}
        if isinstance(data, list):
            return [self.value(item, key) for item in data]
        if isinstance(data, str):
            if key and is_secret_field(key) and data:
                return SECRET
            return self.text(data)
        return data


def leaks(text: str, secrets: Iterable[str]) -> list[str]:
    """The secrets that appear in `text` (shown by length only, never by value)."""
    return [
        f"a secret of {len(secret)} characters"
        for secret in secrets
        if len(secret) >= MIN_SECRET_LENGTH and secret in text
    ]
