"""Fault injection: 500/503/429 and dropped connections, before or after the write commits.

Over several seeds: one apply converges, nothing is created twice, and nothing is deleted that
the plan did not name. An apply cut short (no retries) leaves an account the next run finishes.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from reconciler.apply import Executor
from reconciler.emulator.server import EmulatorServer
from reconciler.live.retry import RetryPolicy
from reconciler.plan import Action
from tests.engine.conftest import Cli, Engine, assert_clean, describe_plan, report_details
from tests.engine.test_drift import CONFIG

SEEDS = list(range(1, 1 + int(os.environ.get("ENGINE_FAULT_SEEDS", "6"))))
BEFORE: dict[str, Any] = {
    "version": 1,
    "services": {
        "support": {
            "friendly_name": "Customer Support",
            "roles": {
                "agent": {"type": "conversation", "permissions": ["sendMessage"]},
                "retired": {"type": "conversation", "permissions": ["sendMessage"]},
            },
        }
    },
    "address_configurations": [{"type": "sms", "address": "+15017122699"}],
}
# The target also manages a second service and its parts; prunes roles and addresses only.
TARGET: dict[str, Any] = {
    **CONFIG,
    "services": {
        **CONFIG["services"],
        "escalations": {
            "friendly_name": "Escalations",
            "roles": {"lead": {"type": "service", "permissions": ["joinConversation"]}},
            "configuration": {"default_chat_service_role": "lead"},
            "webhooks": {"post_webhook_url": "https://hooks.example.com/esc"},
        },
    },
    "policy": {"prune": ["roles", "address_configurations"]},
}


def every_sid(emulator: EmulatorServer) -> set[str]:
    """Every SID of a resource that can be deleted, straight from the emulator's state."""
    state = emulator.snapshot()
    sids = {service["sid"] for service in state["services"]}
    sids |= {role["sid"] for roles in state["roles"].values() for role in roles}
    sids |= {address["sid"] for address in state["addresses"]}
    sids |= {credential["sid"] for credential in state["credentials"]}
    return sids


def assert_no_duplicates(emulator: EmulatorServer) -> None:
    state = emulator.snapshot()
    names = Counter(service["friendly_name"] for service in state["services"])
    assert max(names.values()) == 1, names
    for service_sid, roles in state["roles"].items():
        role_names = Counter(role["friendly_name"] for role in roles)
        assert max(role_names.values(), default=1) == 1, (service_sid, role_names)
    credentials = Counter(credential["friendly_name"] for credential in state["credentials"])
    assert max(credentials.values(), default=1) == 1, credentials
    addresses = Counter((a["type"], a["address"]) for a in state["addresses"])
    assert max(addresses.values(), default=1) == 1, addresses


def prepare(engine: Engine) -> None:
    """An account with managed resources, resources to prune and resources to leave alone."""
    engine.converge(BEFORE)
    engine.v1.services.create(friendly_name="Unmanaged")
    engine.v1.credentials.create(type="fcm", friendly_name="unmanaged", secret="x")


@pytest.mark.parametrize("seed", SEEDS)
def test_one_apply_converges_under_faults(engine: Engine, seed: int) -> None:
    prepare(engine)
    loaded = engine.load(TARGET)
    before = every_sid(engine.emulator)
    engine.emulator.configure_faults(fault_rate=0.25, seed=seed, retry_after_seconds=0)

    plan, live = engine.plan(loaded)
    named = {str(c.sid) for c in plan.changes if c.action in (Action.DELETE, Action.REPLACE)}
    assert named, "the plan prunes something"
    report = Executor(engine.api, live).run(plan)

    stats = engine.emulator.stats()
    engine.emulator.configure_faults(fault_rate=0.0)
    assert sum(stats["faults"].values()) > 0, "faults were injected"
    assert report.succeeded, report_details(report)
    assert_clean(engine.plan(loaded)[0])
    assert_no_duplicates(engine.emulator)
    deleted = before - every_sid(engine.emulator)
    assert deleted <= named, f"deleted without being planned: {deleted - named}"
    assert engine.service_sid("Unmanaged")
    assert [c.friendly_name for c in engine.v1.credentials.list()].count("unmanaged") == 1


@pytest.mark.parametrize("seed", SEEDS)
def test_an_interrupted_apply_is_finished_by_the_next(engine: Engine, seed: int) -> None:
    prepare(engine)
    loaded = engine.load(TARGET)
    before = every_sid(engine.emulator)
    planned, _ = engine.plan(loaded)
    named = {str(c.sid) for c in planned.changes if c.action in (Action.DELETE, Action.REPLACE)}

    # No retries at all, and many faults: this apply stops part way.
    plan, live = engine.plan(loaded)
    engine.emulator.configure_faults(fault_rate=0.4, seed=seed, retry_after_seconds=0)
    engine.api.policy = RetryPolicy(attempts=1)
    first = Executor(engine.api, live).run(plan)
    engine.emulator.configure_faults(fault_rate=0.0)
    assert not first.succeeded, "the faults interrupted it"
    engine.api.policy = RetryPolicy(attempts=3, base_delay=0.001)

    _, report = engine.apply(loaded)
    assert report.succeeded, report_details(report)
    after, _ = engine.plan(loaded)
    assert after.empty, describe_plan(after)
    assert_no_duplicates(engine.emulator)
    deleted = before - every_sid(engine.emulator)
    assert deleted <= named, f"deleted without being planned: {deleted - named}"


def test_cli_apply_converges_under_faults(emulator: EmulatorServer, tmp_path: Path) -> None:
    run = Cli(emulator, tmp_path / "cli")
    emulator.configure_faults(fault_rate=0.3, seed=7, retry_after_seconds=0)
    path = run.config(CONFIG)
    result = run("apply", path, "--auto-approve")
    assert result.exit_code == 0, result.output
    emulator.configure_faults(fault_rate=0.0)
    assert run("plan", path, "--detailed-exitcode").exit_code == 0
    assert_no_duplicates(emulator)
