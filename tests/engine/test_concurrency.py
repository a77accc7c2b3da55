"""Concurrent applies of one config converge with no duplicates; a cut-short replace finishes.

Twilio accepts two services (or credentials) with one name, so four applies started at once
would each create their own. Every applier re-reads after creating and keeps the survivor
(oldest date_created, then lowest SID); the losers delete their own creations.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from reconciler import kinds
from reconciler.apply import ApplyReport, Executor
from reconciler.config import load_config
from reconciler.emulator.server import EmulatorServer
from reconciler.kinds import Resource
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


SEEDS = [1, 2, 3, 4, 11, 32]
FAULT_RATE = 0.04
"""Each seed replays its own faults (500s, 503s, 429s, connections dropped before or after a
write commits) and its own start offsets, so every run interleaves the appliers differently.
Seeds 11 and 32 lose a create's answer while other runs create its twins (the re-read cannot
tell whose twin it finds); 40 seeds pass when run by hand."""


@pytest.fixture(params=SEEDS)
def slow_emulator(request: pytest.FixtureRequest) -> Iterator[EmulatorServer]:
    """Latency spreads the appliers' calls; seeded faults make some of them retry, and a create
    whose answer is lost must be found (not made again) while the others create its twins."""
    server = EmulatorServer(latency_ms=15, fault_rate=FAULT_RATE, seed=request.param).start()
    try:
        yield server
    finally:
        server.stop()


def apply_once(
    emulator: EmulatorServer, paths: list[Path], barrier: threading.Barrier, offset: float
) -> ApplyReport:
    client = build_sdk(emulator)
    try:
        api = LiveApi(client, concurrency=8, policy=FAST_RETRIES)
        loaded = load_config(paths, environ=EXAMPLE_ENV)
        barrier.wait()
        time.sleep(offset)
        plan, live = plan_account(loaded, api, for_apply=True)  # as `apply` plans
        return Executor(api, live).run(plan)
    finally:
        close_client(client)


def test_concurrent_applies_leave_no_duplicates(slow_emulator: EmulatorServer) -> None:
    paths = [EXAMPLES / "multi-service"]
    barrier = threading.Barrier(APPLIERS)
    reports: list[ApplyReport] = []
    errors: list[BaseException] = []
    draw = random.Random(slow_emulator.app.injector.settings.seed)
    offsets = [draw.uniform(0, 0.05) for _ in range(APPLIERS)]

    def worker(offset: float) -> None:
        try:
            reports.append(apply_once(slow_emulator, paths, barrier, offset))
        except BaseException as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(offset,)) for offset in offsets]
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


def test_a_replace_cut_short_gets_the_replacement_its_roles_and_settings(engine: Engine) -> None:
    """The run that died after creating the new service never wrote its parts: the re-run
    writes them there, and deletes the old service."""
    agent = {"type": "conversation", "permissions": ["sendMessage"]}
    support = {"roles": {"agent": agent}, "configuration": {"default_conversation_role": "agent"}}
    old = engine.v1.services.create(friendly_name="Support").sid
    document = {
        "version": 1,
        "services": {"support": {**support, "friendly_name": "Support Desk", "sid": old}},
    }
    replacement = engine.v1.services.create(friendly_name="Support Desk").sid  # the cut-short half
    loaded = engine.load(document)
    plan, live = engine.plan(loaded)
    assert {(c.action, c.kind) for c in plan.changes} >= {
        (Action.DELETE, "service"),
        (Action.CREATE, "role"),
        (Action.UPDATE, "service_configuration"),
    }
    report = Executor(engine.api, live).run(plan)
    assert report.succeeded, report_details(report)
    role = engine.role(replacement, "agent")
    configuration = engine.v1.services(replacement).configuration().fetch()
    assert configuration.default_conversation_role_sid == role.sid
    assert old not in [s.sid for s in engine.v1.services.list()]


def test_apply_binds_the_twin_that_survives_not_the_first_one_it_saw(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A concurrent run's service of the same name can land just after apply's first read of
    the services list, in the same second as the one apply saw. Apply must bind the survivor
    every run's twin check agrees on (oldest, then lowest SID), not the twin its creator is
    about to delete: it reads again once the server's second has passed. Made deterministic
    by dating the first service a second ahead, so the second one (created after apply's
    first read, by another client) is the older."""
    state = engine.emulator.app.directory.main.conversations
    ahead = (datetime.now(timezone.utc) + timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    monkeypatch.setattr(state, "clock", lambda: ahead)
    seen_first = engine.v1.services.create(friendly_name="Support").sid
    monkeypatch.undo()

    other_run = build_sdk(engine.emulator)
    arrived: list[str] = []
    reads: list[list[str]] = []
    read = kinds.SERVICE.read

    def read_then_a_twin_arrives(api: object, parent_sid: str | None) -> list[Resource]:
        resources = read(api, parent_sid)
        reads.append([str(resource.sid) for resource in resources])
        if not arrived:
            arrived.append(other_run.conversations.v1.services.create(friendly_name="Support").sid)
        return resources

    monkeypatch.setattr(kinds.SERVICE, "read", read_then_a_twin_arrives)
    loaded = engine.load({"version": 1, "services": {"support": {"friendly_name": "Support"}}})
    try:
        _, live = plan_account(loaded, engine.api, for_apply=True)
    finally:
        close_client(other_run)
    assert seen_first in reads[0] and arrived[0] not in reads[0], "the first read saw one"
    assert live.bound["support"].sid == arrived[0], "the older twin survives"
    assert seen_first in live.twins, "the other is a twin (its creator deletes it)"
    assert len(reads) >= 2, "apply read the list again once the second had passed"
