"""Concurrent writers, latency that overlaps, and seeded faults."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import requests
from twilio.rest import Client

from reconciler.emulator import defaults
from reconciler.emulator.server import EmulatorServer

AUTH = (defaults.ACCOUNT_SID, defaults.AUTH_TOKEN)


def _session() -> requests.Session:
    session = requests.Session()
    session.auth = AUTH
    return session


def test_many_threads_creating_roles_all_land(emulator: EmulatorServer, sdk_client: Client) -> None:
    emulator.configure_aps_limit(0)  # this is about the lock, not Twilio's pacing
    service = sdk_client.conversations.v1.services.create(friendly_name="busy")
    url = f"{emulator.url}/v1/Services/{service.sid}/Roles"

    def create(worker: int) -> list[str]:
        sids = []
        with _session() as session:
            for index in range(5):
                response = session.post(
                    url,
                    data={
                        "FriendlyName": f"w{worker}-{index}",
                        "Type": "conversation",
                        "Permission": ["sendMessage", "leaveConversation"],
                    },
                    timeout=10,
                )
                assert response.status_code == 201, response.text
                sids.append(response.json()["sid"])
        return sids

    with ThreadPoolExecutor(max_workers=16) as pool:
        created = [sid for sids in pool.map(create, range(16)) for sid in sids]
    assert len(created) == len(set(created)) == 80
    listed = sdk_client.conversations.v1.services(service.sid).roles.list(page_size=50)
    assert len(listed) == 84  # 80 plus the four built-in roles
    assert {role.sid for role in listed} >= set(created)
    assert len({role.sid for role in listed}) == 84


def test_latency_is_served_concurrently(emulator: EmulatorServer) -> None:
    emulator.configure_faults(latency_ms=300)

    def fetch(_: int) -> int:
        with _session() as session:
            return session.get(f"{emulator.url}/v1/Configuration", timeout=10).status_code

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(fetch, range(10)))
    elapsed = time.monotonic() - started
    assert statuses == [200] * 10
    assert 0.3 <= elapsed < 1.5  # ten serial requests would take 3 s


def _outcomes(emulator: EmulatorServer, seed: int, count: int = 40) -> list[str]:
    emulator.configure_faults(fault_rate=0.5, seed=seed, retry_after_seconds=0)
    outcomes = []
    with _session() as session:
        for _ in range(count):
            try:
                response = session.get(f"{emulator.url}/v1/Configuration", timeout=5)
            except requests.ConnectionError:
                outcomes.append("dropped")
            else:
                outcomes.append(str(response.status_code))
    emulator.configure_faults(fault_rate=0.0)
    return outcomes


def test_faults_are_reproducible_from_a_seed(emulator: EmulatorServer) -> None:
    first = _outcomes(emulator, seed=7)
    again = _outcomes(emulator, seed=7)
    other = _outcomes(emulator, seed=8)
    assert first == again
    assert first != other
    assert {"200", "500", "503", "429", "dropped"} <= set(first) | set(other)
    faults = emulator.stats()["faults"]
    assert "drop_after_commit" not in faults  # degraded to drop_before for GETs
    assert sum(faults.values()) == sum(o != "200" for o in first + again + other)


def test_429_carries_retry_after(emulator: EmulatorServer) -> None:
    emulator.configure_faults(fault_rate=1.0, seed=3, retry_after_seconds=2)
    seen = 0
    with _session() as session:
        for _ in range(60):
            try:
                response = session.get(f"{emulator.url}/v1/Services", timeout=5)
            except requests.ConnectionError:
                continue
            if response.status_code == 429:
                assert response.headers["Retry-After"] == "2"
                assert response.json()["code"] == 20429
                seen += 1
            else:
                assert response.status_code in (500, 503)
                assert response.json()["code"] == {500: 20500, 503: 20503}[response.status_code]
    assert seen > 0


def test_faults_never_touch_control_paths(emulator: EmulatorServer) -> None:
    emulator.configure_faults(fault_rate=1.0, seed=1)
    with requests.Session() as session:
        for _ in range(20):
            response = session.get(f"{emulator.url}/__emulator/stats", timeout=5)
            assert response.status_code == 200


def test_drop_after_commit_really_committed(emulator: EmulatorServer) -> None:
    """Every failed create either committed (drop_after_commit) or did not (all others)."""
    emulator.configure_faults(fault_rate=1.0, seed=11, retry_after_seconds=0)
    kinds_seen = set()
    with _session() as session:
        for index in range(40):
            before = dict(emulator.stats()["faults"])
            try:
                response = session.post(
                    f"{emulator.url}/v1/Credentials",
                    data={"Type": "fcm", "Secret": "s", "FriendlyName": f"cred{index}"},
                    timeout=5,
                )
                assert response.status_code in (429, 500, 503)
            except requests.ConnectionError:
                pass
            after = emulator.stats()["faults"]
            (kind,) = [k for k in after if after[k] != before.get(k, 0)]
            kinds_seen.add(kind)
            names = {c["friendly_name"] for c in emulator.snapshot()["credentials"]}
            assert (f"cred{index}" in names) == (kind == "drop_after_commit"), kind
    assert {"drop_after_commit", "drop_before"} <= kinds_seen
