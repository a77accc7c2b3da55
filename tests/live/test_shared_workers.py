"""LiveApis sharing one pool of workers (a fleet run): each keeps its own concurrency, the pool
its own bound, and calls run on the pool's threads, started once and reused.

Real SDK calls against the emulator over loopback; the emulator's latency keeps calls in flight
long enough to overlap.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from reconciler import kinds
from reconciler.config import load_config
from reconciler.emulator.server import EmulatorServer
from reconciler.live.api import LiveApi, Workers
from reconciler.live.reader import read_live
from tests.conftest import client_for
from tests.engine.conftest import FAST_RETRIES, write_yaml


@pytest.fixture
def slow_emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer(latency_ms=20) as server:
        yield server


class InFlight:
    """Counts one API's operations running at once, and the threads that ran them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.now = 0
        self.most = 0
        self.threads: set[str] = set()

    def read(self, v1: Any) -> str | None:
        with self._lock:
            self.now += 1
            self.most = max(self.most, self.now)
            self.threads.add(threading.current_thread().name)
        try:
            found = kinds.ACCOUNT_CONFIGURATION.read(v1, None)
            return found[0].extra.get("account_sid") if found else None
        finally:
            with self._lock:
                self.now -= 1


def test_each_api_keeps_its_concurrency_and_the_pool_its_bound(
    slow_emulator: EmulatorServer,
) -> None:
    counters = [InFlight(), InFlight()]
    results: list[list[str | None]] = [[], []]
    with client_for(slow_emulator) as client, Workers(max_workers=3) as workers:
        apis = [LiveApi(client, concurrency=2, policy=FAST_RETRIES, workers=workers) for _ in "ab"]
        slow_emulator.reset_stats()

        def run(index: int) -> None:
            results[index] = apis[index].gather([counters[index].read] * 8)

        threads = [threading.Thread(target=run, args=(index,)) for index in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert results[0] == results[1] == [slow_emulator.account_sid] * 8
    assert max(counter.most for counter in counters) <= 2, "one API's concurrency"
    stats = slow_emulator.stats()
    assert stats["by_method"]["GET"] == 16
    assert stats["max_in_flight"] <= 3, "the shared pool's bound"
    used = counters[0].threads | counters[1].threads
    assert len(used) <= 3 and all(name.startswith("reconciler-call") for name in used)


def test_the_pool_reuses_its_threads_across_reads(slow_emulator: EmulatorServer) -> None:
    counter = InFlight()
    with client_for(slow_emulator) as client, Workers(max_workers=4) as workers:
        api = LiveApi(client, concurrency=4, policy=FAST_RETRIES, workers=workers)
        for _ in range(5):
            assert api.gather([counter.read] * 4) == [slow_emulator.account_sid] * 4
    assert len(counter.threads) <= 4, counter.threads


def test_a_read_on_shared_workers_reads_what_its_own_pool_reads(
    slow_emulator: EmulatorServer, tmp_path: Path
) -> None:
    document = {
        "version": 1,
        "services": {
            "support": {
                "friendly_name": "Support",
                "roles": {"agent": {"type": "conversation", "permissions": ["sendMessage"]}},
            }
        },
    }
    loaded = load_config([write_yaml(tmp_path, document)], environ={})
    with client_for(slow_emulator) as client, Workers(max_workers=8) as workers:
        client.conversations.v1.services.create(friendly_name="Support")
        own = read_live(LiveApi(client, policy=FAST_RETRIES), loaded.config)
        shared = read_live(LiveApi(client, policy=FAST_RETRIES, workers=workers), loaded.config)
    assert shared.fingerprint() == own.fingerprint()
    assert shared.read_kinds == own.read_kinds
    assert {"service", "account_configuration", "role"} <= shared.read_kinds


def test_an_error_in_the_block_cancels_the_calls_not_started(emulator: EmulatorServer) -> None:
    """Leaving the block on an error waits for the calls running and starts no other."""
    release = threading.Event()
    started: list[str] = []

    def blocking(_: Any) -> str:
        started.append("first")
        release.wait(30)
        return "first"

    def second(_: Any) -> str:
        started.append("second")
        return "second"

    with client_for(emulator) as client, Workers(max_workers=2) as workers:
        api = LiveApi(client, concurrency=1, policy=FAST_RETRIES, workers=workers)
        timer = threading.Timer(0.2, release.set)
        with pytest.raises(RuntimeError, match="the caller failed"), api.pool() as calls:
            first_future = calls.submit(blocking)
            second_future = calls.submit(second)
            timer.start()
            raise RuntimeError("the caller failed")
        timer.join()
    assert first_future.result() == "first"
    assert second_future.cancelled()
    assert started == ["first"]


def test_errors_reach_their_own_future_and_the_rest_still_run(emulator: EmulatorServer) -> None:
    def failing(_: Any) -> int:
        raise ValueError("this call failed")

    def returning(index: int) -> Callable[[Any], int]:
        return lambda _: index

    with client_for(emulator) as client, Workers(max_workers=2) as workers:
        api = LiveApi(client, concurrency=2, policy=FAST_RETRIES, workers=workers)
        with api.pool() as calls:
            futures = [calls.submit(failing if i == 3 else returning(i)) for i in range(8)]
        with pytest.raises(ValueError, match="this call failed"):
            futures[3].result()
        others = [future.result() for index, future in enumerate(futures) if index != 3]
        assert others == [0, 1, 2, 4, 5, 6, 7]


def test_a_closed_pool_refuses_calls_instead_of_hanging(emulator: EmulatorServer) -> None:
    workers = Workers(max_workers=1)
    workers.close()
    with client_for(emulator) as client:
        api = LiveApi(client, concurrency=2, policy=FAST_RETRIES, workers=workers)
        with pytest.raises(RuntimeError, match="shutdown"):
            api.gather([lambda _: 1, lambda _: 2, lambda _: 3])
