"""Twilio's actions-per-second limit: 30 role writes per second per service, then 429 / 50063."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from click.testing import CliRunner
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from reconciler.cli.main import cli
from reconciler.emulator import catalog, defaults
from reconciler.emulator.limits import ActionsPerSecond, retry_after_header
from reconciler.emulator.server import EmulatorServer

AUTH = (defaults.ACCOUNT_SID, defaults.AUTH_TOKEN)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _frozen(emulator: EmulatorServer, limit: int = catalog.DEFAULT_APS_LIMIT) -> FakeClock:
    """Give the emulator a clock the test moves, so "one second later" takes no time."""
    clock = FakeClock()
    emulator.app.limiter = ActionsPerSecond(limit, clock=clock)
    return clock


def _role(index: int) -> dict[str, str]:
    return {"FriendlyName": f"r{index}", "Type": "service", "Permission": "joinConversation"}


def test_default_is_twilios_thirty_per_second(emulator: EmulatorServer) -> None:
    assert catalog.DEFAULT_APS_LIMIT == 30
    assert emulator.aps_limit == 30
    assert EmulatorServer().aps_limit == 30


def test_a_burst_of_role_writes_to_one_service_gets_429_50063(emulator: EmulatorServer) -> None:
    clock = _frozen(emulator)
    with requests.Session() as session:
        session.auth = AUTH
        one = session.post(f"{emulator.url}/v1/Services", data={"FriendlyName": "one"}).json()
        two = session.post(f"{emulator.url}/v1/Services", data={"FriendlyName": "two"}).json()
        url = f"{emulator.url}/v1/Services/{one['sid']}/Roles"
        statuses = [session.post(url, data=_role(i), timeout=5) for i in range(40)]
        assert [r.status_code for r in statuses] == [201] * 30 + [429] * 10
        refused = statuses[-1]
        assert refused.json()["code"] == 50063 and refused.json()["status"] == 429
        assert refused.json()["more_info"].endswith("/50063")
        assert refused.headers["Retry-After"] == "1"
        # Reads are not actions; another service has its own budget.
        assert session.get(url, timeout=5).status_code == 200
        other = f"{emulator.url}/v1/Services/{two['sid']}/Roles"
        assert session.post(other, data=_role(0), timeout=5).status_code == 201
        # Updates and deletes count too.
        sid = statuses[0].json()["sid"]
        update = session.post(f"{url}/{sid}", data={"Permission": "createConversation"})
        assert update.status_code == 429
        assert session.delete(f"{url}/{sid}", timeout=5).status_code == 429
        # A second later the window has moved on; refused requests did not use it up.
        clock.now += 1.0
        assert session.post(f"{url}/{sid}", data={"Permission": "createConversation"}).ok
        assert session.delete(f"{url}/{sid}", timeout=5).status_code == 204
    names = {role["friendly_name"] for role in emulator.snapshot()["roles"][one["sid"]]}
    assert {f"r{i}" for i in range(30)} - {"r0"} <= names
    assert not {f"r{i}" for i in range(30, 40)} & names  # a 429 is never processed


def test_the_window_slides(emulator: EmulatorServer) -> None:
    clock = _frozen(emulator, limit=3)
    with requests.Session() as session:
        session.auth = AUTH
        url = f"{emulator.url}/v1/Roles"  # the default service's roles
        for index in range(3):
            assert session.post(url, data=_role(index)).status_code == 201
            clock.now += 0.3
        response = session.post(url, data=_role(3))
        assert response.status_code == 429  # t=0.9: three in the last second
        clock.now += 0.11  # t=1.01: the first has left the window
        assert session.post(url, data=_role(4)).status_code == 201


def test_concurrent_burst_admits_exactly_the_limit(emulator: EmulatorServer) -> None:
    _frozen(emulator)
    url = f"{emulator.url}/v1/Roles"

    def create(index: int) -> int:
        with requests.Session() as session:
            session.auth = AUTH
            return session.post(url, data=_role(index), timeout=10).status_code

    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(create, range(60)))
    assert statuses.count(201) == 30 and statuses.count(429) == 30


def test_the_sdk_sees_429_50063_with_retry_after(
    emulator: EmulatorServer, sdk_client: Client
) -> None:
    _frozen(emulator)
    roles = sdk_client.conversations.v1.roles
    for index in range(30):
        roles.create(friendly_name=f"sdk{index}", type="service", permission=["joinConversation"])
    with pytest.raises(TwilioRestException) as excinfo:
        roles.create(friendly_name="one too many", type="service", permission=["joinConversation"])
    assert (excinfo.value.status, excinfo.value.code) == (429, 50063)
    assert sdk_client.http_client.last_response_headers()["Retry-After"] == "1"


def test_the_limit_can_be_changed_or_turned_off(emulator: EmulatorServer) -> None:
    emulator.configure_aps_limit(0)
    with requests.Session() as session:
        session.auth = AUTH
        url = f"{emulator.url}/v1/Roles"
        assert all(session.post(url, data=_role(i)).status_code == 201 for i in range(45))
        emulator.configure_aps_limit(2)
        statuses = [session.post(url, data=_role(100 + i)).status_code for i in range(3)]
        assert statuses == [201, 201, 429]
    with EmulatorServer(aps_limit=0) as server:
        assert server.aps_limit == 0
    with pytest.raises(ValueError):
        EmulatorServer(aps_limit=-1)


def test_limiter_unit() -> None:
    clock = FakeClock()
    limiter = ActionsPerSecond(2, clock=clock)
    assert limiter.admit("a") is None and limiter.admit("a") is None
    assert limiter.admit("a") == pytest.approx(1.0)
    assert limiter.admit("b") is None
    clock.now += 0.25
    assert limiter.admit("a") == pytest.approx(0.75)
    assert retry_after_header(0.75) == "1"
    assert retry_after_header(1.2) == "2"
    assert retry_after_header(0.0) == "1"
    limiter.configure(0)
    assert all(limiter.admit("a") is None for _ in range(100))
    with pytest.raises(ValueError):
        ActionsPerSecond(-1)


def test_serve_takes_aps_limit() -> None:
    runner = CliRunner()
    help_text = runner.invoke(cli, ["emulator", "serve", "--help"]).output
    assert "--aps-limit" in help_text and "50063" in help_text
    result = runner.invoke(cli, ["emulator", "serve", "--aps-limit", "-1"])
    assert result.exit_code == 1 and "--aps-limit" in result.output
