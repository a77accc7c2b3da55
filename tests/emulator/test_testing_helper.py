"""reconciler.testing: the helper users test their own code with, as they would use it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests

from reconciler.emulator import defaults
from reconciler.testing import EmulatorContext, emulator

REPO = Path(__file__).resolve().parents[2]


def test_with_emulator_as_client() -> None:
    with emulator() as client:
        v1 = client.conversations.v1
        service = v1.services.create(friendly_name="Support")
        assert [s.sid for s in v1.services.list()][-1] == service.sid
        url = client.conversations.base_url
        assert re.match(r"^http://127\.0\.0\.1:\d+$", url)
    with pytest.raises(requests.ConnectionError):  # stopped when the block ended
        requests.get(f"{url}/v1/Services", timeout=2)


def test_the_context_object_reaches_the_server() -> None:
    running = emulator(latency_ms=1, aps_limit=0)
    with pytest.raises(RuntimeError):
        running.server  # noqa: B018 - not started yet
    with running as client:
        assert running.client is client
        assert running.url == client.conversations.base_url == running.server.url
        assert running.server.aps_limit == 0
        client.conversations.v1.configuration().fetch()
        assert running.server.stats()["by_method"]["GET"] == 1
        assert running.environ == {
            "TWILIO_ACCOUNT_SID": defaults.ACCOUNT_SID,
            "TWILIO_AUTH_TOKEN": defaults.AUTH_TOKEN,
            "RECONCILER_ENDPOINT": running.url,
        }
        with_key = running.new_client(api_key=True)
        assert with_key.username == defaults.API_KEY_SID
        assert len(with_key.conversations.v1.services.list()) == 1
        with pytest.raises(RuntimeError, match="already running"):
            running.__enter__()
    with pytest.raises(RuntimeError):
        running.client  # noqa: B018 - stopped


def test_options_reach_the_server(tmp_path: Path) -> None:
    sid = "AC" + "a" * 32
    with emulator(account_sid=sid, auth_token="t", state_path=tmp_path / "s.json") as client:
        assert client.account_sid == sid and client.password == "t"
        client.conversations.v1.services.create(friendly_name="kept")
    with emulator(account_sid=sid, auth_token="t", state_path=str(tmp_path / "s.json")) as client:
        assert "kept" in [s.friendly_name for s in client.conversations.v1.services.list()]
    with emulator(api_key=True) as client:
        assert client.username == defaults.API_KEY_SID
    for fixed in ({"host": "0.0.0.0"}, {"port": 4010}):
        with pytest.raises(TypeError):
            emulator(**fixed)


def test_the_fixture(conversations_emulator: EmulatorContext) -> None:
    client = conversations_emulator.client
    assert client.conversations.v1.roles.list()
    assert conversations_emulator.server.aps_limit == 30  # Twilio's limits, as users get them


USER_TESTS = """
from reconciler.testing import emulator


def test_with_the_fixture(conversations_emulator):
    v1 = conversations_emulator.client.conversations.v1
    v1.services.create(friendly_name="Support")
    assert [s.friendly_name for s in v1.services.list()][-1] == "Support"
    assert conversations_emulator.server.stats()["by_method"]["POST"] == 1


def test_with_the_context_manager():
    with emulator() as client:
        assert client.conversations.v1.configuration().fetch().default_chat_service_sid
"""


def test_users_get_the_fixture_as_a_plugin(pytester: pytest.Pytester) -> None:
    """Loaded by a conftest's pytest_plugins and by -p at once (as when the installed entry
    point meets a conftest that names the plugin too): one registration, no warnings."""
    pytester.makeconftest('pytest_plugins = ["reconciler.testing"]\n')
    pytester.makepyfile(test_users=USER_TESTS)
    result = pytester.runpytest_subprocess("-p", "reconciler.testing", "-W", "error")
    result.assert_outcomes(passed=2)


def test_the_plugin_entry_point_is_declared() -> None:
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    section = text.split("[project.entry-points.pytest11]", 1)[1].split("\n[", 1)[0]
    assert '"reconciler.testing" = "reconciler.testing"' in section


def test_the_helpers_client_reaches_the_emulators_accounts_api() -> None:
    with emulator() as client:
        accounts = client.api.v2010.accounts.list()
        assert [account.sid for account in accounts] == [client.account_sid]
