"""`--only`: a partial plan and apply, with references resolved and prune kept inside."""

from __future__ import annotations

import json
from typing import Any

from tests.engine.conftest import Cli, Engine, apply_ok, one_line_error

PERMS = ["sendMessage"]


def config(agent_permissions: list[str], drop_old: bool = False) -> dict[str, Any]:
    roles: dict[str, Any] = {"agent": {"type": "conversation", "permissions": agent_permissions}}
    if not drop_old:
        roles["old"] = {"type": "conversation", "permissions": PERMS}
    return {
        "version": 1,
        "services": {
            "support": {"roles": roles, "configuration": {"default_conversation_role": "agent"}},
            "sales": {"webhooks": {"method": "GET"}},
        },
        "address_configurations": [{"type": "sms", "address": "+15017122661"}],
        "policy": {"prune": ["roles", "address_configurations"]},
    }


def changes(run: Cli, path: str, *only: str) -> list[tuple[str, str, str]]:
    args = [arg for selector in only for arg in ("--only", selector)]
    result = run("plan", path, "--format", "json", *args)
    assert result.exit_code == 0, result.output + result.stderr
    document = json.loads(result.stdout)
    if only:
        assert any("partial plan" in note for note in document["notes"])
    return [(c["action"], c["kind"], c["key"]) for c in document["changes"]]


def test_a_role_alone_brings_the_service_it_needs(run: Cli) -> None:
    path = run.config(config(PERMS))
    assert changes(run, path, "services.support.roles.agent") == [
        ("create", "service", "support"),
        ("create", "role", "support/agent"),
    ]


def test_a_default_role_brings_the_role_it_names(run: Cli) -> None:
    path = run.config(config(PERMS))
    selected = changes(run, path, "services.support.configuration")
    assert ("create", "role", "support/agent") in selected
    assert ("create", "role", "support/old") not in selected
    assert all(key != "sales" for _, _, key in selected)


def test_prune_stays_inside_the_selection(run: Cli, engine: Engine) -> None:
    apply_ok(run, run.config(config(PERMS)))
    path = run.config(config(["sendMessage", "leaveConversation"], drop_old=True))
    # The whole plan updates agent and prunes old; --only address_configurations does neither.
    assert changes(run, path, "address_configurations") == []
    only_agent = changes(run, path, "services.support.roles.agent")
    assert only_agent == [("update", "role", "support/agent")]
    apply_ok(run, path, "--only", "services.support.roles.agent")
    support = engine.service_sid("support")
    assert "old" in [r.friendly_name for r in engine.v1.services(support).roles.list()]


def test_a_selector_that_names_nothing_is_refused_before_any_call(run: Cli) -> None:
    path = run.config(config(PERMS))
    before = run.emulator.stats()["requests"]
    message = one_line_error(run("plan", path, "--only", "services.suport"))
    assert "no service 'suport'" in message and "support" in message
    assert "not a selector" in one_line_error(run("plan", path, "--only", "webhooks"))
    assert run.emulator.stats()["requests"] == before


def test_a_saved_partial_plan_applies_the_same_selection(
    run: Cli, engine: Engine, tmp_path: Any
) -> None:
    path = run.config(config(PERMS))
    planfile = tmp_path / "partial.json"
    result = run("plan", path, "--only", "services.sales", "--out", str(planfile))
    assert result.exit_code == 0, result.output + result.stderr
    applied = run("apply", "--plan", str(planfile))
    assert applied.exit_code == 0, applied.output + applied.stderr
    names = {service.friendly_name for service in engine.v1.services.list()}
    assert "sales" in names and "support" not in names
    refused = run("apply", "--plan", str(planfile), "--only", "roles")
    assert refused.exit_code == 1


def test_an_address_selector_takes_the_address_alone(run: Cli, engine: Engine) -> None:
    """Services have a one-part identity: an address selector must not trip over them."""
    path = run.config(config(PERMS))
    address = [("create", "address_configuration", "sms:+15017122661")]
    assert changes(run, path, "address_configurations.+15017122661") == address
    assert changes(run, path, "address_configurations.sms:+15017122661") == address
    apply_ok(run, path, "--only", "address_configurations.+15017122661")
    assert [a.address for a in engine.v1.address_configurations.list()] == ["+15017122661"]
    assert "support" not in {s.friendly_name for s in engine.v1.services.list()}
