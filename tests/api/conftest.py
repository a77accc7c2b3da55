"""The API's tests: a workspace holding the repository's examples, an emulator with three
subaccounts (the fleet example's tenants) and the TWILIO_* variables for its parent, as
docs/api.md sets them up. Everything runs through the real stack: the API, the real twilio SDK
over loopback, the emulator."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reconciler.emulator import defaults
from reconciler.emulator.server import EmulatorServer

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[EmulatorServer]:
    (tmp_path / "examples").symlink_to(REPO / "examples")
    monkeypatch.chdir(tmp_path)
    with EmulatorServer(subaccounts=3) as server:
        monkeypatch.setenv("TWILIO_ACCOUNT_SID", defaults.ACCOUNT_SID)
        monkeypatch.setenv("TWILIO_AUTH_TOKEN", defaults.AUTH_TOKEN)
        monkeypatch.setenv("RECONCILER_ENDPOINT", server.url)
        for name in ("TWILIO_API_KEY", "TWILIO_API_SECRET", "RECONCILER_TARGETS"):
            monkeypatch.delenv(name, raising=False)
        yield server
