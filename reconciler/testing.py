"""Test your own code against the Conversations emulator: a context manager and a pytest fixture.

    from reconciler.testing import emulator

    with emulator() as client:          # a real twilio.rest.Client, aimed at the emulator
        client.conversations.v1.services.create(friendly_name="Support")

The emulator runs in-process on a free 127.0.0.1 port, in memory, with Twilio's limits on (the
30 role writes per second per service included), and stops when the block ends. To reach the
server too (request stats, faults, the URL), keep the context object:

    running = emulator(latency_ms=20)
    with running as client:
        running.server.stats()
        running.url

Under pytest the `conversations_emulator` fixture yields that object, entered. It is a pytest
plugin (entry point "reconciler.testing"), so installing the package makes the fixture
available; `pytest_plugins = ["reconciler.testing"]` in a conftest.py does the same without
the entry point. See docs/testing.md.

Code that waits for Twilio's clock (the reconciler's twin checks do) can run on a `FastClock`:
`with reconciler.clock.using(FastClock()):` runs the engine and every emulator started in the
block on it, and a wait for the emulator's second to pass takes a tenth of a real second.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from reconciler.emulator.server import EmulatorServer
from reconciler.live.connection import ConnectionSettings, build_client

if TYPE_CHECKING:
    from collections.abc import Iterator

    from twilio.rest import Client

__all__ = ["EmulatorContext", "FastClock", "close_client", "conversations_emulator", "emulator"]


class FastClock:
    """A clock for tests: real time, plus what `advance()` and `sleep()` add.

    A `reconciler.clock.Clock`, for the process (`reconciler.clock.using`: what the engine
    waits on, and what emulators started meanwhile date records, answer `Date` and count
    their actions-per-second window by) or for one emulator (`EmulatorServer(clock=...)`).
    `sleep(seconds)` takes `seconds / speed` real seconds, then moves the clock on to
    where `seconds` would have taken it: whoever waits on the emulator's clock waits `speed`
    times less, and sees the same sequence of seconds. Sleeps that overlap move it once (to
    the latest end), as real sleeps would. It starts at real time and never goes back.
    """

    def __init__(self, speed: float = 10.0) -> None:
        if speed < 1:
            raise ValueError("speed must be at least 1")
        self.speed = speed
        self._offset = 0.0
        self._lock = threading.Lock()

    def time(self) -> float:
        """Seconds since the epoch."""
        return time.time() + self._offset

    def monotonic(self) -> float:
        return time.monotonic() + self._offset

    def advance(self, seconds: float) -> None:
        """Move the clock forward at once."""
        if seconds < 0:
            raise ValueError("a clock does not go back")
        with self._lock:
            self._offset += seconds

    def sleep(self, seconds: float) -> None:
        """Wait `seconds` by this clock, in `seconds / speed` real seconds."""
        if seconds <= 0:
            time.sleep(0)
            return
        end = self.monotonic() + seconds
        time.sleep(seconds / self.speed)
        self._reach(end)

    def wait(self, condition: threading.Condition, timeout: float | None) -> bool:
        """`condition.wait(timeout)`, the timeout measured by this clock: a wait that times
        out has moved the clock on by `timeout`."""
        if timeout is None:
            return condition.wait()
        end = self.monotonic() + timeout
        notified = condition.wait(max(0.0, timeout) / self.speed)
        if not notified:
            self._reach(end)
        return notified

    def _reach(self, end: float) -> None:
        """Move the clock on to `end` (by `monotonic()`), unless it is there already."""
        with self._lock:
            self._offset = max(self._offset, end - time.monotonic())


def close_client(client: Client) -> None:
    """Close the SDK's pooled connections (left open, they warn with ResourceWarning)."""
    session = getattr(client.http_client, "session", None)
    if session is not None:
        session.close()


class EmulatorContext:
    """A running emulator and an SDK client for it; enter it to start, leave it to stop.

    Keyword arguments go to EmulatorServer: `state_path`, `latency_ms`, `fault_rate`, `seed`,
    `retry_after_seconds`, `aps_limit` (0 turns the role-write limit off), `account_sid`,
    `auth_token`, `api_key_sid`, `api_key_secret`, `max_body_bytes`, `clock`. The host is always
    127.0.0.1 and the port a free one.
    """

    def __init__(self, *, api_key: bool = False, **server_options: Any) -> None:
        for fixed in ("host", "port"):
            if fixed in server_options:
                raise TypeError(f"emulator() picks the {fixed} itself (127.0.0.1, a free port)")
        if "state_path" in server_options and server_options["state_path"] is not None:
            server_options["state_path"] = Path(server_options["state_path"])
        self._options = server_options
        self._api_key = api_key
        self._server: EmulatorServer | None = None
        self._clients: list[Client] = []

    @property
    def server(self) -> EmulatorServer:
        if self._server is None:
            raise RuntimeError("the emulator is not running: use `with emulator() as client:`")
        return self._server

    @property
    def url(self) -> str:
        """Base URL, e.g. http://127.0.0.1:54321 (what RECONCILER_ENDPOINT takes)."""
        return self.server.url

    @property
    def client(self) -> Client:
        """The client `with` gave out."""
        if not self._clients:
            raise RuntimeError("the emulator is not running: use `with emulator() as client:`")
        return self._clients[0]

    @property
    def account_sid(self) -> str:
        return self.server.account_sid

    @property
    def auth_token(self) -> str:
        return self.server.auth_token

    @property
    def environ(self) -> dict[str, str]:
        """Environment for code that builds its own client, or for the reconciler CLI."""
        return {
            "TWILIO_ACCOUNT_SID": self.server.account_sid,
            "TWILIO_AUTH_TOKEN": self.server.auth_token,
            "RECONCILER_ENDPOINT": self.server.url,
        }

    def new_client(self, api_key: bool = False) -> Client:
        """Another SDK client for the same emulator (auth token, or API key and secret);
        closed when the context ends."""
        server = self.server
        username, password = (
            (server.api_key_sid, server.api_key_secret)
            if api_key
            else (server.account_sid, server.auth_token)
        )
        settings = ConnectionSettings(
            account_sid=server.account_sid, username=username, password=password
        )
        client = build_client(settings, server.url)
        self._clients.append(client)
        return client

    def __enter__(self) -> Client:
        if self._server is not None:
            raise RuntimeError("this emulator is already running")
        self._server = EmulatorServer(host="127.0.0.1", port=0, **self._options).start()
        try:
            return self.new_client(api_key=self._api_key)
        except BaseException:
            self._stop()
            raise

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop()

    def _stop(self) -> None:
        clients, self._clients = self._clients, []
        for client in clients:
            close_client(client)
        server, self._server = self._server, None
        if server is not None:
            server.stop()


def emulator(*, api_key: bool = False, **server_options: Any) -> EmulatorContext:
    """An emulator to run for one `with` block; the block gets a configured twilio Client.

    `api_key=True` makes that client authenticate with the emulator's API key and secret
    instead of the account's auth token.
    """
    return EmulatorContext(api_key=api_key, **server_options)


try:
    import pytest
except ImportError:  # pragma: no cover - the helper works without pytest installed
    pass
else:

    @pytest.fixture
    def conversations_emulator() -> Iterator[EmulatorContext]:
        """A fresh in-memory emulator per test, entered: `.client`, `.server`, `.url`."""
        running = emulator()
        with running:
            yield running
