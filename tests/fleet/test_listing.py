"""The parent's subaccount listing: read as JSON pages (one or many), made once per run in the
background while targets load their configurations, and failing only the subaccount targets.

Everything goes through the real twilio SDK against the emulator over loopback.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from reconciler import redact
from reconciler.emulator import defaults
from reconciler.emulator.server import EmulatorServer
from reconciler.fleet import credentials
from reconciler.fleet.credentials import Resolver, list_accounts
from reconciler.fleet.loader import load_targets
from reconciler.live.connection import ConnectionSettings, build_client
from tests.conftest import close_client
from tests.fleet.conftest import PARENT_ENV, FleetDir, assert_clean_exit, tenants

ACCOUNTS_ROUTE = "GET /2010-04-01/Accounts.json"
NAMES = tuple(f"tenant-00{n}" for n in range(1, 6))
HANG_GUARD_SECONDS = 60.0
"""Only a broken implementation gets near this: it turns a hang into a failure."""

T = TypeVar("T")


PARENT = ConnectionSettings(defaults.ACCOUNT_SID, defaults.ACCOUNT_SID, defaults.AUTH_TOKEN)


def without_hanging(work: Callable[[], T]) -> T:
    """`work` on a daemon thread, failing the test (not hanging it) if it never returns."""
    results: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(work())
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(HANG_GUARD_SECONDS)
    assert not thread.is_alive(), "it waited for an answer the emulator is holding back"
    if errors:
        raise errors[0]
    return results[0]


def direct_target(emulator: EmulatorServer) -> tuple[dict[str, object], dict[str, str]]:
    """A target with its own credentials (tenant-001's), and the variables holding them."""
    one = next(s for s in emulator.subaccounts() if s["friendly_name"] == "tenant-001")
    target: dict[str, object] = {
        "name": "direct",
        "credentials": {"account_sid": "ONE_SID", "auth_token": "ONE_TOKEN"},
        "variables": {"HOOK_URL": "https://hooks.example.com/direct"},
    }
    return target, {"ONE_SID": one["sid"], "ONE_TOKEN": one["auth_token"]}


def test_list_accounts_reads_every_page_as_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(credentials, "LIST_PAGE_SIZE", 2)
    with EmulatorServer(subaccounts=5) as emulator:
        client = build_client(PARENT, emulator.url)
        try:
            listing = list_accounts(client)
        finally:
            close_client(client)
        subs = emulator.subaccounts()
        routes = emulator.stats()["by_route"]
    assert routes.get(ACCOUNTS_ROUTE) == 3, "six accounts, two a page, next-page links followed"
    assert sorted(listing) == sorted([defaults.ACCOUNT_SID, *(s["sid"] for s in subs)])
    for sub in subs:
        found = listing[sub["sid"]]
        assert (found.friendly_name, found.status, found.owner_account_sid, found.auth_token) == (
            sub["friendly_name"],
            "active",
            defaults.ACCOUNT_SID,
            sub["auth_token"],
        )
        assert redact.mask(f"token {sub['auth_token']}") == "token ***", "registered for masking"
    parent = listing[defaults.ACCOUNT_SID]
    assert parent.auth_token == defaults.AUTH_TOKEN and parent.status == "active"


@pytest.mark.parametrize("page_size", [2, credentials.LIST_PAGE_SIZE])
def test_a_fleet_plan_lists_once_for_every_subaccount_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, page_size: int
) -> None:
    monkeypatch.setattr(credentials, "LIST_PAGE_SIZE", page_size)
    with EmulatorServer(subaccounts=5) as emulator:
        fleet = FleetDir(tmp_path, emulator)
        fleet.write(tenants(*NAMES))
        emulator.reset_stats()
        result = fleet.run("plan", "--all", "--format", "json")
        assert_clean_exit(result, 0)
        listings = emulator.stats()["by_route"].get(ACCOUNTS_ROUTE)
        sids = {s["friendly_name"]: s["sid"] for s in emulator.subaccounts()}
    assert listings == (3 if page_size == 2 else 1), "one listing for the fleet, page by page"
    report = json.loads(result.stdout)
    assert report["summary"]["changes"] == len(NAMES) and report["summary"]["failed"] == 0
    assert {t["name"]: t["account_sid"] for t in report["targets"]} == sids


@pytest.mark.parametrize(
    ("parent_env", "problem"),
    [
        (
            {"TWILIO_AUTH_TOKEN": "0" * 32},
            "listing the parent's subaccounts failed: Twilio refused the credentials "
            f"(error 20003, HTTP 401): the parent's ({defaults.ACCOUNT_SID}); check that they "
            "belong together and to an active account",
        ),
        (
            {"TWILIO_AUTH_TOKEN": None},
            "the parent's credentials: TWILIO_ACCOUNT_SID is set but neither TWILIO_AUTH_TOKEN "
            "nor TWILIO_API_KEY with TWILIO_API_SECRET is",
        ),
    ],
    ids=["wrong-parent-token", "no-parent-token"],
)
def test_a_listing_failure_fails_only_the_subaccount_targets(
    fleet: FleetDir, parent_env: dict[str, str | None], problem: str
) -> None:
    direct, env = direct_target(fleet.emulator)
    fleet.write([*tenants("tenant-002", "tenant-003"), direct])
    result = fleet.run("plan", "--all", "--format", "json", env={**env, **parent_env})
    assert_clean_exit(result, 1)
    errors = {t["name"]: t["error"] for t in json.loads(result.stdout)["targets"]}
    assert errors["direct"] is None, "a target with its own credentials runs"
    assert errors["tenant-002"] == errors["tenant-003"] == problem


def test_prepare_returns_while_the_listing_is_still_unanswered(fleet: FleetDir) -> None:
    """The emulator answers nothing while the test holds its lock: `prepare` still returns, a
    target with its own credentials resolves, and a subaccount target gets its credentials
    once the answer comes. No timing is asserted."""
    direct, env = direct_target(fleet.emulator)
    fleet.write([*tenants("tenant-002"), direct])
    loaded = load_targets(fleet.root / "reconciler-targets.yaml")
    subaccount, own = loaded.targets
    resolver = Resolver(loaded, {**PARENT_ENV, **env}, fleet.emulator.url)
    fleet.emulator.reset_stats()
    with fleet.emulator.app.lock:
        without_hanging(lambda: resolver.prepare(loaded.targets))
        without_hanging(lambda: resolver.prepare(loaded.targets))
        settings = without_hanging(lambda: resolver.settings(own))
        assert settings.account_sid == env["ONE_SID"]
    found = without_hanging(lambda: resolver.settings(subaccount))
    resolver.close()
    assert found.account_sid == fleet.subaccount("tenant-002")["sid"]
    assert fleet.emulator.stats()["by_route"].get(ACCOUNTS_ROUTE) == 1, "prepared twice, one list"
