"""Raw SIDs that the live account contradicts are refused by plan, at the config's line."""

from __future__ import annotations

from tests.engine.conftest import Cli, Engine, apply_ok, one_line_error, writes

MISSING_SERVICE = "IS" + "e" * 32


def test_a_service_sid_that_does_not_exist_is_refused_at_plan(run: Cli, engine: Engine) -> None:
    path = run.config(
        "version: 1\naccount:\n  configuration:\n    default_service: " + MISSING_SERVICE + "\n"
    )
    message = one_line_error(run("plan", path))
    assert f"{path}:4: default_service: {MISSING_SERVICE} is not a conversation service" in message


def test_role_sids_of_the_wrong_type_or_service_are_refused_at_plan(
    run: Cli, engine: Engine
) -> None:
    apply_ok(run, run.config({"version": 1, "services": {"a": {}, "b": {}}}))
    roles_of = {
        key: {r.friendly_name: r for r in engine.v1.services(engine.service_sid(key)).roles.list()}
        for key in ("a", "b")
    }
    service_role = roles_of["a"]["service user"].sid
    other_service_role = roles_of["b"]["channel user"].sid
    text = (
        "version: 1\n"
        "services:\n"
        "  a:\n"
        "    configuration:\n"
        f"      default_conversation_role: {service_role}\n"
        f"      default_conversation_creator_role: {other_service_role}\n"
        "  b: {}\n"
    )
    path = run.config(text)
    before = writes(engine.emulator.stats())
    message = one_line_error(run("apply", path, "--auto-approve"))
    assert f"{path}:5: default_conversation_role: {service_role} ('service user') is a service" in (
        message
    )
    creator = f"{path}:6: default_conversation_creator_role: {other_service_role}"
    assert f"{creator} is not a role of service 'a'" in message
    assert writes(engine.emulator.stats()) == before


def test_a_role_sid_for_a_service_not_yet_created_is_refused(run: Cli) -> None:
    role = "RL" + "1" * 32
    path = run.config(
        "version: 1\nservices:\n  new:\n    configuration:\n"
        f"      default_chat_service_role: {role}\n"
    )
    message = one_line_error(run("plan", path))
    assert f"{path}:5:" in message and "does not exist yet" in message
