"""Role writes are paced under Twilio's per-service limit, not retried into it."""

from __future__ import annotations

import threading
import time
from typing import Any

from reconciler.apply import Executor
from reconciler.apply.pacing import Pacer
from reconciler.config import rules
from reconciler.emulator import catalog
from reconciler.live.api import LiveApi
from tests.engine.conftest import FAST_RETRIES, Engine, assert_clean, report_details

ROLES = 100


def test_one_fact_for_the_limit() -> None:
    assert catalog.DEFAULT_APS_LIMIT == rules.ROLE_ACTIONS_PER_SECOND_PER_SERVICE


def test_a_hundred_roles_on_one_service_get_no_429(engine: Engine) -> None:
    document: dict[str, Any] = {
        "version": 1,
        "services": {
            "busy": {
                "roles": {
                    f"role-{index:03}": {"type": "conversation", "permissions": ["sendMessage"]}
                    for index in range(ROLES)
                }
            }
        },
    }
    loaded = engine.load(document)
    api = LiveApi(engine.client, concurrency=16, policy=FAST_RETRIES)
    engine.emulator.reset_stats()
    plan, live = engine.plan(loaded)
    report = Executor(api, live).run(plan)
    assert report.succeeded, report_details(report)
    assert engine.emulator.stats()["by_status"].get("429", 0) == 0
    assert_clean(engine.plan(loaded)[0])


def test_no_window_ever_holds_more_than_the_rate() -> None:
    """Whatever the threads do, a write starts only when fewer than `rate` others are in flight
    or were answered less than one window before."""
    window, rate = 0.05, 3
    pacer = Pacer(rate, window=window)
    spans: list[tuple[float, float]] = []
    lock = threading.Lock()

    def write(index: int) -> None:
        with pacer.slot("IS1"):
            start = time.monotonic()
            time.sleep(0.002 * (index % 4))  # a round trip of varying length
            end = time.monotonic()
        with lock:
            spans.append((start, end))

    threads = [threading.Thread(target=write, args=(index,)) for index in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(spans) == 20
    for start, _ in spans:
        overlapping = [s for s, e in spans if s <= start and e > start - window]
        assert len(overlapping) <= rate, (start, overlapping)
