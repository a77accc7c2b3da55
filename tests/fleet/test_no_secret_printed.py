"""The fleet tests' CLI runner fails a test whose command printed a known secret."""

from __future__ import annotations

import pytest

from reconciler import redact
from tests.fleet.conftest import FleetDir, assert_clean_exit, output, tenants


def test_every_run_is_checked_for_the_emulators_secrets(
    fleet: FleetDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With masking switched off, a plan that shows a subaccount's auth token (here inside a
    tenant's webhook URL) fails in `FleetDir.run` itself, naming whose token it was."""
    token = fleet.subaccount("tenant-002")["auth_token"]
    fleet.write(
        tenants(
            "tenant-001", "tenant-002", **{"tenant-001": {"HOOK_URL": f"https://h.example/{token}"}}
        )
    )
    masked = fleet.run("plan", "--all")  # masking on: the token is shown as ***
    assert_clean_exit(masked, 0)
    assert "https://h.example/***" in output(masked)

    monkeypatch.setattr(redact, "mask", lambda text: text)
    with pytest.raises(AssertionError, match=r"the auth token of tenant-002 \(AC\w+\) was printed"):
        fleet.run("plan", "--all")
