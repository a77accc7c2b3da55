"""Every parity test keeps what a run remembers to put back (account_wide.Pending) in its own
temporary directory, never in the machine's."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.parity.account_wide import STATE_ENV


@pytest.fixture(autouse=True)
def parity_state(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    state = tmp_path_factory.mktemp("parity-state")
    monkeypatch.setenv(STATE_ENV, str(state))
    return state
