"""Accounts larger than one page: everything is read (nothing re-created), in a few requests."""

from __future__ import annotations

from typing import Any

from tests.engine.conftest import Engine, assert_clean, describe_plan

SERVICES = 105  # services page at 100
ROLES = 55  # roles page at 50


def test_resources_beyond_the_first_page_are_found(engine: Engine) -> None:
    for index in range(SERVICES):
        engine.v1.services.create(friendly_name=f"svc-{index:03}")
    last = engine.service_sid(f"svc-{SERVICES - 1:03}")
    for index in range(ROLES):
        # Through the engine's retrying API: Twilio allows 30 role writes a second per service.
        engine.api.call(
            lambda v1, index=index: v1.services(last).roles.create(
                friendly_name=f"role-{index:02}", type="conversation", permission=["sendMessage"]
            )
        )
    roles: dict[str, Any] = {
        f"role-{index:02}": {"type": "conversation", "permissions": ["sendMessage"]}
        for index in range(ROLES)
    }
    document: dict[str, Any] = {
        "version": 1,
        "services": {"last": {"friendly_name": f"svc-{SERVICES - 1:03}", "roles": roles}},
        "policy": {"prune": ["roles"]},
    }
    loaded = engine.load(document)
    engine.emulator.reset_stats()
    plan, _ = engine.plan(loaded)
    assert_clean(plan)
    gets = engine.emulator.stats()["by_method"]["GET"]
    assert gets <= 8, f"a plan is a few list pages, not one GET per resource: {gets}"

    # The role on the second page is pruned when the config drops it, and only it.
    del roles[f"role-{ROLES - 1:02}"]
    loaded = engine.load(document)
    plan, _ = engine.plan(loaded)
    assert [(c.action.value, c.key) for c in plan.changes] == [
        ("delete", f"last/role-{ROLES - 1:02}")
    ], describe_plan(plan)
