"""Apply as a dependency graph, and no write to what Twilio already made so."""

from __future__ import annotations

from typing import Any

from reconciler.apply.executor import steps_of, tokens_of
from reconciler.apply.schedule import dependencies, run_graph
from reconciler.emulator import catalog
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
