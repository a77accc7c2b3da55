"""Fleet-test helpers: an emulator with subaccounts, a fleet written to disk, the CLI.

Everything goes through the real stack: a targets file and configs on disk, the CLI, the real
twilio SDK over loopback (its Accounts API calls included) and the emulator.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from twilio.rest import Client

from reconciler import redact
from reconciler.cli.main import cli
from reconciler.emulator import defaults
from reconciler.emulator.server import EmulatorServer
from reconciler.live.connection import ConnectionSettings, build_client
from reconciler.testing import close_client
from tests.engine.conftest import assert_no_secret_shown
from tests.plan_json.checks import assert_valid, json_format

SID = re.compile(r"(AC|SK)[0-9a-fA-F]{32}")
PARENT_ENV = {
    "TWILIO_ACCOUNT_SID": defaults.ACCOUNT_SID,
    "TWILIO_AUTH_TOKEN": defaults.AUTH_TOKEN,
}
BASE = {
    "version": 1,
    "services": {
        "support": {
            "friendly_name": "Support",
            "roles": {
                "agent": {"type": "conversation", "permissions": ["sendMessage"]},
            },
            "webhooks": {
                "method": "POST",
                "post_webhook_url": "${HOOK_URL}",
                "filters": ["onMessageAdded"],
            },
        }
    },
}


def assert_fleet_plans_valid(report: Mapping[str, Any]) -> None:
    """Each target's `plan` in a fleet report is the very object `plan --format json` prints
    for one account (docs/fleet.md): held to the same committed schema."""
    for target in report.get("targets", []):
        if "plan" in target:
            assert_valid(target["plan"])


@pytest.fixture(autouse=True)
def _forget_secrets() -> Iterator[None]:
    """Each test starts with no registered secrets, so masking is tested from scratch."""
    redact.forget_all()
    yield
    redact.forget_all()


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    """Three subaccounts, tenant-001 ... tenant-003, with Twilio's limits on."""
    with EmulatorServer(subaccounts=3) as server:
        yield server


@dataclass
class FleetDir:
    """A folder holding `base/` and `reconciler-targets.yaml`, and the CLI run inside it."""

    root: Path
    emulator: EmulatorServer
    runner: CliRunner = field(default_factory=CliRunner)

    def write(self, targets: list[dict[str, Any]], **top: Any) -> Path:
        base = self.root / "base"
        base.mkdir(parents=True, exist_ok=True)
        (base / "conversations.yaml").write_text(yaml.safe_dump(BASE), encoding="utf-8")
        document = {"version": 1, "defaults": {"config": ["base"]}, **top, "targets": targets}
        path = self.root / "reconciler-targets.yaml"
        path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
        return path

    def run(
        self, *args: str, env: Mapping[str, str | None] | None = None, endpoint: bool = True
    ) -> Result:
        arguments = [*args, "--endpoint", self.emulator.url] if endpoint else list(args)
        environment: dict[str, str | None] = {
            **PARENT_ENV,
            "RECONCILER_ENDPOINT": None,
            "RECONCILER_TARGETS": str(self.root / "reconciler-targets.yaml"),
            **(env or {}),
        }
        known = self.known_secrets()
        result = self.runner.invoke(cli, arguments, env=environment, catch_exceptions=True)
        # By the engine tests' rule (variables named like a token, secret or key), except the
        # SIDs a credential names (TWILIO_API_KEY's SK...): identifiers, printed on purpose.
        assert_no_secret_shown(
            {name: value for name, value in environment.items() if not _is_sid(value)}, result
        )
        shown = output(result)
        for who, secret in {**known, **self.known_secrets()}.items():
            assert secret not in shown, f"{who} was printed"
        if args and args[0] == "plan" and json_format(args) and result.exit_code in (0, 2):
            assert_fleet_plans_valid(json.loads(result.stdout))
        return result

    def known_secrets(self) -> dict[str, str]:
        """The emulator's own: the parent's auth token and API key secret, and every
        subaccount's auth token (read before and after a run, which may add subaccounts)."""
        secrets = {
            "the parent's auth token": self.emulator.auth_token,
            "the parent's API key secret": self.emulator.api_key_secret,
        }
        for sub in self.emulator.subaccounts():
            secrets[f"the auth token of {sub['friendly_name']} ({sub['sid']})"] = sub["auth_token"]
        return secrets

    def subaccount(self, name: str) -> dict[str, Any]:
        return next(s for s in self.emulator.subaccounts() if s["friendly_name"] == name)

    @contextmanager
    def client_of(self, name: str) -> Iterator[Client]:
        """The real SDK with a subaccount's own credentials: someone working in its console."""
        sub = self.subaccount(name)
        settings = ConnectionSettings(sub["sid"], sub["sid"], sub["auth_token"])
        client = build_client(settings, self.emulator.url)
        try:
            yield client
        finally:
            close_client(client)


def _is_sid(value: str | None) -> bool:
    return value is not None and SID.fullmatch(value) is not None


@pytest.fixture
def fleet(emulator: EmulatorServer, tmp_path: Path) -> FleetDir:
    return FleetDir(tmp_path / "fleet", emulator)


def tenants(*names: str, **variables: dict[str, str]) -> list[dict[str, Any]]:
    """Subaccount targets by friendly name; HOOK_URL defaults per tenant."""
    return [
        {
            "name": name,
            "subaccount": name,
            "variables": {
                "HOOK_URL": f"https://hooks.example.com/{name}",
                **variables.get(name, {}),
            },
        }
        for name in names
    ]


def output(result: Result) -> str:
    """Everything the command printed, stdout and stderr."""
    return result.stdout + (result.stderr if result.stderr_bytes is not None else "")


def assert_clean_exit(result: Result, code: int) -> None:
    text = output(result)
    assert result.exit_code == code, (result.exit_code, text)
    assert "Traceback" not in text, text
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
