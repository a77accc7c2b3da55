"""Targets of a run share one connection pool and one pool of call threads, never credentials.

A relay between the SDK and the emulator records every request as it crosses the wire (its
connection, its Authorization header, its path), so the test sees what Twilio would see: each
request carries the credentials of the account whose resources it reads, whichever target's
request used the connection before it.
"""

from __future__ import annotations

import base64
import http.client
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest

from reconciler.emulator import defaults
from reconciler.emulator.server import EmulatorServer
from reconciler.fleet.loader import load_targets
from reconciler.fleet.pipeline import FleetRun, RunSettings
from reconciler.fleet.report import CHANGES, FAILED, NO_CHANGES
from reconciler.plan import PlanOptions
from tests.fleet.conftest import PARENT_ENV, FleetDir, assert_clean_exit, tenants
from tests.relay import serving

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


@dataclass(frozen=True)
class Seen:
    connection: tuple[str, int]
    method: str
    path: str
    username: str
    password: str


class Relay(ThreadingHTTPServer):
    """Forwards every request to the emulator unchanged and records it."""

    daemon_threads = True

    def __init__(self, upstream: str) -> None:
        super().__init__(("127.0.0.1", 0), RelayHandler)
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.seen: list[Seen] = []
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class RelayHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Relay

    def do_GET(self) -> None:
        self._relay()

    def do_POST(self) -> None:
        self._relay()

    def do_DELETE(self) -> None:
        self._relay()

    def _relay(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        scheme, _, encoded = (self.headers.get("Authorization") or "").partition(" ")
        username, _, password = base64.b64decode(encoded).decode().partition(":")
        assert scheme == "Basic"
        with self.server.lock:
            address = (str(self.client_address[0]), int(self.client_address[1]))
            self.server.seen.append(Seen(address, self.command, self.path, username, password))
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        upstream = http.client.HTTPConnection(*self.server.upstream, timeout=30)
        try:
            upstream.request(self.command, self.path, body, headers)
            answer = upstream.getresponse()
            data = answer.read()
        finally:
            upstream.close()
        self.send_response(answer.status)
        for name, value in answer.getheaders():
            if name.lower() not in HOP_BY_HOP:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def relay(emulator: EmulatorServer) -> Iterator[Relay]:
    server = Relay(emulator.url)
    with serving(server):
        yield server


def plan_through(fleet: FleetDir, relay: Relay, parallel: int) -> list[str]:
    """A fleet plan over every target of the fleet, its calls through the relay; returns each
    target's status."""
    targets = load_targets(fleet.root / "reconciler-targets.yaml")
    settings = RunSettings(endpoint=relay.url, parallel=parallel, concurrency=4, environ=PARENT_ENV)
    with FleetRun(targets, targets.targets, settings) as run:
        sessions = run.plan(PlanOptions())
        for session in sessions:
            session.close()
    return [session.result.status for session in sessions]


def owners(emulator: EmulatorServer) -> dict[str, tuple[str, str]]:
    """Every subaccount's services, by SID: (its account SID, the service's name)."""
    return {
        service["sid"]: (sub["sid"], service["friendly_name"])
        for sub in emulator.subaccounts()
        for service in emulator.snapshot(sub["sid"])["services"]
    }


def test_each_request_carries_its_own_targets_credentials(
    fleet: FleetDir, relay: Relay, emulator: EmulatorServer
) -> None:
    fleet.write(tenants("tenant-001", "tenant-002", "tenant-003"))
    assert_clean_exit(fleet.run("apply", "--all", "--auto-approve"), 0)
    services = owners(emulator)
    managed = {sid for sid, (_, name) in services.items() if name == "Support"}
    assert len(managed) == 3
    tokens = {sub["sid"]: sub["auth_token"] for sub in emulator.subaccounts()}

    assert plan_through(fleet, relay, parallel=3) == [NO_CHANGES] * 3

    parent = [seen for seen in relay.seen if seen.username == defaults.ACCOUNT_SID]
    assert [(seen.method, seen.path.split("?")[0]) for seen in parent] == [
        ("GET", "/2010-04-01/Accounts.json")
    ]
    assert parent[0].password == defaults.AUTH_TOKEN
    targets = [seen for seen in relay.seen if seen.username != defaults.ACCOUNT_SID]
    assert {seen.username for seen in targets} == set(tokens)
    for seen in targets:
        assert seen.path.startswith("/v1/"), seen
        assert seen.password == tokens[seen.username], f"{seen.path}: another account's token"
        for sid, (account, _) in services.items():
            if sid in seen.path:
                assert seen.username == account, f"{seen.path} read with {seen.username}"
    read_services = {sid for sid in services for seen in targets if sid in seen.path}
    assert read_services == managed, "every tenant's managed service parts were read"


def test_targets_reuse_each_others_connections_with_their_own_credentials(
    fleet: FleetDir, relay: Relay, emulator: EmulatorServer
) -> None:
    """One target at a time: the next target's first request takes the connection the last
    one returned to the run's pool (a warm connection), and still sends its own credentials."""
    fleet.write(tenants("tenant-001", "tenant-002", "tenant-003"))
    tokens = {sub["sid"]: sub["auth_token"] for sub in emulator.subaccounts()}

    assert plan_through(fleet, relay, parallel=1) == [CHANGES] * 3

    by_connection: dict[tuple[str, int], set[str]] = {}
    for seen in relay.seen:
        if seen.username != defaults.ACCOUNT_SID:
            assert seen.password == tokens[seen.username]
            by_connection.setdefault(seen.connection, set()).add(seen.username)
    assert any(len(accounts) > 1 for accounts in by_connection.values()), by_connection


def test_a_target_refused_mid_read_leaves_the_shared_pools_to_the_others(
    fleet: FleetDir, relay: Relay, emulator: EmulatorServer
) -> None:
    one, two = fleet.subaccount("tenant-001"), fleet.subaccount("tenant-002")
    environ = {**PARENT_ENV, "ONE_SID": one["sid"], "TWO_TOKEN": two["auth_token"]}
    mixed_up = {
        "name": "mixed-up",
        "credentials": {"account_sid": "ONE_SID", "auth_token": "TWO_TOKEN"},
        "variables": {"HOOK_URL": "https://hooks.example.com/mixed-up"},
    }
    fleet.write([*tenants("tenant-001"), mixed_up, *tenants("tenant-003")])
    targets = load_targets(fleet.root / "reconciler-targets.yaml")
    settings = RunSettings(endpoint=relay.url, parallel=3, concurrency=4, environ=environ)
    with FleetRun(targets, targets.targets, settings) as run:
        sessions = run.plan(PlanOptions())
        for session in sessions:
            session.close()
    results = {session.result.name: session.result for session in sessions}
    assert [result.status for result in results.values()] == [CHANGES, FAILED, CHANGES]
    error = results["mixed-up"].error or ""
    assert "Twilio refused the credentials (error 20003, HTTP 401)" in error
    assert two["auth_token"] not in error
    refused = [seen for seen in relay.seen if seen.password == two["auth_token"]]
    assert refused and all(seen.username == one["sid"] for seen in refused)


def test_a_run_raises_a_low_open_file_limit_to_what_its_calls_may_hold() -> None:
    """A run may hold a connection per call in flight (both ends of each with --local): a soft
    limit of 256 (macOS's default) must not refuse the 513th, so the run raises it."""
    script = """
import resource
from reconciler.fleet.pipeline import FleetRun, RunSettings, SPARE_FILES
from reconciler.fleet.model import Fleet
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard))
run = FleetRun(Fleet.__new__(Fleet), [], RunSettings(parallel=64, concurrency=8))
needed = 2 * 64 * 8 + SPARE_FILES
expected = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
print(resource.getrlimit(resource.RLIMIT_NOFILE)[0] == expected, expected)
run.close()
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.split()[0] == "True", done.stdout + done.stderr
