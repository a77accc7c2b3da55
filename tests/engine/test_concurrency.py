"""Concurrent applies of one config converge with no duplicates; a cut-short replace finishes.

Twilio accepts two services (or credentials) with one name, so four applies started at once
would each create their own. Every applier re-reads after creating and keeps the survivor
(oldest date_created, then lowest SID); the losers delete their own creations.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from reconciler.apply import ApplyReport, Executor
from reconciler.config import load_config
from reconciler.emulator.server import EmulatorServer
from reconciler.live.api import LiveApi
from reconciler.plan import Action, plan_account
from tests.conftest import close_client
from tests.engine.conftest import (
    EXAMPLE_ENV,
    EXAMPLES,
    FAST_RETRIES,
    Engine,
    assert_clean,
    build_sdk,
    report_details,
    write_yaml,
)
from tests.engine.test_faults import assert_no_duplicates

APPLIERS = 4


@pytest.fixture(params=[1, 2, 3])
def slow_emulator(request: pytest.FixtureRequest) -> Iterator[EmulatorServer]:
    """Latency spreads the appliers' calls so that their creates interleave differently."""
    server = EmulatorServer(latency_ms=15, seed=request.param).start()
    try:
        yield server
    finally:
        server.stop()


def apply_once(
    emulator: EmulatorServer, paths: list[Path], barrier: threading.Barrier
) -> ApplyReport:
    client = build_sdk(emulator)
    try:
        api = LiveApi(client, concurrency=8, policy=FAST_RETRIES)
        loaded = load_config(paths, environ=EXAMPLE_ENV)
        barrier.wait()
        plan, live = plan_account(loaded, api)
        return Executor(api, live).run(plan)
    finally:
        close_client(client)


def test_concurrent_applies_leave_no_duplicates(slow_emulator: EmulatorServer) -> None:
    paths = [EXAMPLES / "multi-service"]
    barrier = threading.Barrier(APPLIERS)
    reports: list[ApplyReport] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            reports.append(apply_once(slow_emulator, paths, barrier))
        except BaseException as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(APPLIERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    for report in reports:
        assert report.succeeded, report_details(report)
    assert_no_duplicates(slow_emulator)
    client = build_sdk(slow_emulator)
    try:
        api = LiveApi(client, policy=FAST_RETRIES)
        assert_clean(plan_account(load_config(paths, environ=EXAMPLE_ENV), api)[0])
    finally:
        close_client(client)


def test_a_replace_cut_short_after_its_create_is_finished_not_repeated(
    engine: Engine, tmp_path: Path
) -> None:
    """Rename a pinned service; the run dies after creating the new one (simulated by making
    it by hand). The re-run adopts it and only deletes the old one."""
    old = engine.v1.services.create(friendly_name="Support").sid
    document = {
        "version": 1,
        "services": {"support": {"friendly_name": "Support Desk", "sid": old}},
    }
    first, _ = engine.plan(engine.load(document))
    assert [(c.action, c.sid) for c in first.changes] == [(Action.REPLACE, old)]
    replacement = engine.v1.services.create(friendly_name="Support Desk").sid  # the cut-short half
    loaded = engine.load(document)
    plan, live = engine.plan(loaded)
    assert [(c.action, c.sid) for c in plan.changes] == [(Action.DELETE, old)]
    assert replacement in " ".join(plan.changes[0].reasons)
    report = Executor(engine.api, live).run(plan)
    assert report.succeeded, report_details(report)
    names = sorted(s.friendly_name for s in engine.v1.services.list())
    assert names.count("Support Desk") == 1 and "Support" not in names
    unpinned = engine.load(
        {"version": 1, "services": {"support": {"friendly_name": "Support Desk"}}}
    )
    assert_clean(engine.plan(unpinned)[0])
    write_yaml(tmp_path, "")  # keeps the fixture's folder in use
