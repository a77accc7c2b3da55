"""Apply as a dependency graph, and no write to what Twilio already made so."""

from __future__ import annotations

import threading
from typing import Any

from reconciler.apply.executor import Executor, steps_of, tokens_of
from reconciler.apply.schedule import dependencies, run_graph
from reconciler.emulator import catalog
from reconciler.live.api import LiveApi
from reconciler.live.reader import LiveState
from tests.engine.conftest import Engine, assert_clean

CHANNEL_USER = next(perms for name, _, perms in catalog.BUILTIN_ROLES if name == "channel user")


def built_in(permissions: list[str]) -> dict[str, Any]:
    return {"type": "conversation", "permissions": permissions}


def test_a_roles_write_waits_for_its_own_service_only(engine: Engine) -> None:
    document = {
        "version": 1,
        "services": {
            key: {"roles": {"agent": built_in(["sendMessage"])}} for key in ("alpha", "beta")
        },
    }
    plan, _ = engine.plan(engine.load(document))
    steps = steps_of(plan)
    waits = dependencies([s.level for s in steps], [tokens_of(s) for s in steps])
    named = {(s.change.kind, s.change.key): i for i, s in enumerate(steps)}
    role_alpha = named[("role", "alpha/agent")]
    assert waits[role_alpha] == {named[("service", "alpha")]}


def test_a_new_services_built_in_role_is_written_only_if_it_differs(engine: Engine) -> None:
    same = {
        "version": 1,
        "services": {"one": {"roles": {"channel user": built_in(list(CHANNEL_USER))}}},
    }
    engine.emulator.reset_stats()
    _, report = engine.apply(engine.load(same))
    assert report.succeeded
    assert engine.emulator.stats()["by_method"]["POST"] == 1, "only the service create"
    assert any("already so" in result.detail for result in report.results)

    different = {
        "version": 1,
        "services": {"two": {"roles": {"channel user": built_in(["sendMessage"])}}},
    }
    engine.emulator.reset_stats()
    _, report = engine.apply(engine.load(different))
    assert report.succeeded
    assert engine.emulator.stats()["by_method"]["POST"] == 2
    assert_clean(engine.plan(engine.load(different))[0])


def test_ready_steps_start_round_robin_across_services() -> None:
    """Workers spread over services: Twilio limits writes per service, not per account."""
    groups = ["a", "a", "a", "b", "b", "c"]
    started: list[int] = []
    running: list[int] = []

    def start(index: int) -> None:
        started.append(index)
        running.append(index)

    def finished() -> list[int]:
        return [running.pop(0)]

    run_graph([set() for _ in groups], groups, 2, start, finished)
    assert [groups[index] for index in started] == ["a", "b", "c", "a", "b", "a"]


def test_requests_in_flight_never_exceed_the_concurrency(engine: Engine) -> None:
    """The executor runs more threads than request slots (a step waiting on the server's
    clock lends its slot); Twilio still sees at most `concurrency` requests at once."""
    engine.api = LiveApi(engine.client, concurrency=2, policy=engine.policy)
    engine.emulator.configure_faults(latency_ms=5)
    document = {
        "version": 1,
        "services": {
            f"s{index}": {"roles": {f"r{role}": built_in(["sendMessage"]) for role in range(3)}}
            for index in range(4)
        },
    }
    engine.emulator.reset_stats()
    loaded = engine.converge(document)
    stats = engine.emulator.stats()
    assert stats["by_method"]["POST"] == 4 + 4 * 3
    assert 1 <= stats["max_in_flight"] <= 2
    assert set(loaded.config.services) == {f"s{index}" for index in range(4)}


def test_a_step_waiting_on_the_clock_lends_its_request_slot(engine: Engine) -> None:
    executor = Executor(LiveApi(engine.client, concurrency=1), LiveState())
    slots = executor._slots
    lent = threading.Event()
    borrowed = threading.Event()

    def waiting_step() -> None:
        with slots:
            lent.set()
            executor._wait_without_slot(0.5)

    def other_step() -> None:
        lent.wait(5)
        with slots:
            borrowed.set()

    threads = [threading.Thread(target=waiting_step), threading.Thread(target=other_step)]
    for thread in threads:
        thread.start()
    assert borrowed.wait(5), "the waiting step kept its slot"
    for thread in threads:
        thread.join(5)
    assert slots.acquire(blocking=False), "the waiting step took its slot back and returned it"


def test_every_new_service_waits_for_its_twin_check_at_once(engine: Engine) -> None:
    """A twin check waits for Twilio's clock to leave the creation's second, holding a thread
    but no request slot; each create has a thread to wait on, so one request slot still
    creates every service before the first check ends (not one wave per second)."""
    engine.api = LiveApi(engine.client, concurrency=1, policy=engine.policy)
    names = [f"s{index}" for index in range(6)]
    services = {name: {"roles": {"r": built_in(["sendMessage"])}} for name in names}
    engine.converge({"version": 1, "services": services})
    created = [
        service.date_created
        for service in engine.v1.services.list()
        if service.friendly_name in names
    ]
    assert len(created) == 6
    # Created at once: at most one second boundary among them, not a wave a second.
    assert len(set(created)) <= 2, created
