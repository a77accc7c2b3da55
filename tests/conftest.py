"""Fixtures shared by every test package: a live emulator and the real SDK pointed at it.

Built on `reconciler.testing`, the helper the project offers its users, so the project's own
tests exercise it. The emulator runs with Twilio's limits on (30 role writes per second per
service), as users get it.

Every test runs on a clock of its own (`clock`, a `FastClock` starting at real time): every
emulator the test starts in this process dates records and answers by it, and the engine waits
on it, so a twin check waiting for the emulator's second to pass takes a tenth of a real second.
Processes a test starts run on real time, as users do.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from twilio.rest import Client

from reconciler import clock as process_clock
from reconciler.emulator import defaults
from reconciler.emulator.server import EmulatorServer
from reconciler.live.connection import ConnectionSettings, build_client
from reconciler.testing import EmulatorContext, FastClock, close_client
from reconciler.testing import conversations_emulator as conversations_emulator
from reconciler.testing import emulator as start_emulator

__all__ = [
    "client_for",
    "close_client",
    "conversations_emulator",
    "emulator_settings",
    "running_emulator",
]

pytest_plugins = ["pytester"]


@pytest.fixture(autouse=True)
def clock() -> Iterator[FastClock]:
    """The test's clock, for the emulators it starts and for the engine's waits."""
    fast = FastClock()
    with process_clock.using(fast):
        yield fast


def emulator_settings(api_key: bool = False) -> ConnectionSettings:
    """Credentials the emulator accepts by default: auth token, or API key and secret."""
    if api_key:
        return ConnectionSettings(
            account_sid=defaults.ACCOUNT_SID,
            username=defaults.API_KEY_SID,
            password=defaults.API_KEY_SECRET,
        )
    return ConnectionSettings(
        account_sid=defaults.ACCOUNT_SID,
        username=defaults.ACCOUNT_SID,
        password=defaults.AUTH_TOKEN,
    )


@contextmanager
def running_context() -> Iterator[EmulatorContext]:
    """The user-facing helper, entered: `.server`, `.client`, `.url`."""
    running = start_emulator()
    with running:
        yield running


@contextmanager
def running_emulator() -> Iterator[EmulatorServer]:
    """An in-memory emulator on a free 127.0.0.1 port, stopped on exit."""
    with running_context() as running:
        yield running.server


@contextmanager
def client_for(server: EmulatorServer) -> Iterator[Client]:
    """The real twilio Client, built the way the product builds it, aimed at `server`."""
    client = build_client(emulator_settings(), server.url)
    try:
        yield client
    finally:
        close_client(client)


@pytest.fixture
def emulator(conversations_emulator: EmulatorContext) -> EmulatorServer:
    return conversations_emulator.server


@pytest.fixture
def sdk_client(conversations_emulator: EmulatorContext) -> Client:
    return conversations_emulator.client
