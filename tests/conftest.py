"""Fixtures shared by every test package: a live emulator and the real SDK pointed at it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from twilio.rest import Client

from reconciler.emulator import defaults
from reconciler.emulator.server import EmulatorServer
from reconciler.live.connection import ConnectionSettings, build_client


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


def close_client(client: Client) -> None:
    """Close the SDK's pooled connections (unclosed sockets fail tests with ResourceWarning)."""
    session = getattr(client.http_client, "session", None)
    if session is not None:
        session.close()


@contextmanager
def running_emulator() -> Iterator[EmulatorServer]:
    """An in-memory emulator on a free 127.0.0.1 port, stopped on exit."""
    server = EmulatorServer(host="127.0.0.1", port=0).start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def client_for(server: EmulatorServer) -> Iterator[Client]:
    """The real twilio Client, built the way the product builds it, aimed at `server`."""
    client = build_client(emulator_settings(), server.url)
    try:
        yield client
    finally:
        close_client(client)


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    with running_emulator() as server:
        yield server


@pytest.fixture
def sdk_client(emulator: EmulatorServer) -> Iterator[Client]:
    with client_for(emulator) as client:
        yield client
