"""Account-wide settings the scenarios change (the account's `/v1/Configuration` timers and its
`/v1/Configuration/Webhooks`): put back as they were read, and remembered until they are.

Put back: each field as it was read; a field that was null (or empty) is cleared the way the
engine clears it (the kind's clear value, `DefaultInactiveTimer=` or `Filters=`, for the fields
`rules.CLEARABLE` lets it clear); a field that was null and cannot be cleared is left out.

Remembered: before a scenario changes a setting, what puts it back is written to a small file
(`Pending`), and, once the change has answered, the values it left; the scenario's `finally`
puts the setting back and removes the entry. A run that never reaches its `finally` (SIGKILL, a
crash, the machine going down) leaves the file, and the next run against the same account and
target reads it before anything else and puts the setting back, unless the setting changed
since the values that run left (then it says so and leaves it alone). The file is
`<account>-<target digest>.json` in RECONCILER_PARITY_STATE (default: the system's temporary
directory, `reconciler-parity/`); an in-process emulator, gone with its run, has none.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reconciler.config import rules
from reconciler.kinds import ACCOUNT_CONFIGURATION, ACCOUNT_WEBHOOKS
from reconciler.kinds.base import Kind, dig

STATE_ENV = "RECONCILER_PARITY_STATE"
STATE_DIR = "reconciler-parity"


@dataclass(frozen=True)
class Setting:
    """An account-wide singleton the scenarios change, and the fields they change."""

    name: str
    path: str
    kind: Kind
    section: tuple[str, ...]
    """Where the configuration file holds it (for rules.CLEARABLE)."""
    fields: tuple[str, ...]

    def values(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """The fields' values in an answer."""
        return {name: dig(body, self.kind.field(name).response_path) for name in self.fields}

    def restore(self, before: Mapping[str, Any]) -> dict[str, Any]:
        """The form that puts `before` back, nulls cleared as the engine clears them."""
        form: dict[str, Any] = {}
        for name, value in self.values(before).items():
            spec = self.kind.field(name)
            if value not in (None, "", []):
                form[spec.param] = value
            elif (*self.section, name) in rules.CLEARABLE:
                form[spec.param] = spec.clear_value
        return form


CONFIGURATION = Setting(
    "account configuration",
    "/v1/Configuration",
    ACCOUNT_CONFIGURATION,
    ("account", "configuration"),
    ("default_inactive_timer", "default_closed_timer"),
)
WEBHOOKS = Setting(
    "account webhooks",
    "/v1/Configuration/Webhooks",
    ACCOUNT_WEBHOOKS,
    ("account", "webhooks"),
    ("pre_webhook_url", "post_webhook_url", "method", "filters", "target"),
)
SETTINGS = {setting.name: setting for setting in (CONFIGURATION, WEBHOOKS)}


def state_file(account: str, target: str, environ: Mapping[str, str] | None = None) -> Path:
    """Where a run against `target` (an endpoint URL, or `twilio`) remembers what to put back."""
    env = os.environ if environ is None else environ
    directory = Path(env.get(STATE_ENV) or Path(tempfile.gettempdir()) / STATE_DIR)
    digest = hashlib.sha256(target.encode()).hexdigest()[:12]
    return directory / f"{account}-{digest}.json"


@dataclass
class Pending:
    """The settings a run has changed and not yet put back; `path` None keeps them in memory."""

    path: Path | None = None
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None) -> Pending:
        if path is None or not path.exists():
            return cls(path)
        entries = json.loads(path.read_text(encoding="utf-8")).get("settings") or {}
        return cls(path, {name: entry for name, entry in entries.items() if name in SETTINGS})

    def remember(self, setting: Setting, restore: dict[str, Any]) -> None:
        self.entries[setting.name] = {"path": setting.path, "restore": restore, "left": None}
        self._write()

    def left(self, setting: Setting, body: Mapping[str, Any]) -> None:
        """The values a change answered with: what a later run expects to find."""
        if setting.name in self.entries:
            self.entries[setting.name]["left"] = setting.values(body)
            self._write()

    def forget(self, setting: Setting) -> None:
        self.entries.pop(setting.name, None)
        self._write()

    def _write(self) -> None:
        if self.path is None:
            return
        if not self.entries:
            self.path.unlink(missing_ok=True)
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fresh = self.path.with_suffix(".tmp")
        fresh.touch(mode=0o600)  # webhook URLs may carry credentials of their own
        fresh.write_text(json.dumps({"settings": self.entries}, indent=1), encoding="utf-8")
        fresh.replace(self.path)
