"""The account pin: a config names its account, and plan and apply refuse any other."""

from __future__ import annotations

from reconciler.emulator import defaults
from tests.engine.conftest import Cli, Engine, one_line_error

OTHER_ACCOUNT = "AC" + "f" * 32
SERVICE = {"support": {"friendly_name": "Support"}}


def pinned(sid: str) -> dict[str, object]:
    return {"version": 1, "account": {"sid": sid}, "services": SERVICE}


def test_credentials_for_another_account_are_refused_before_any_call(
    run: Cli, engine: Engine
) -> None:
    path = run.config(pinned(OTHER_ACCOUNT))
    before = engine.emulator.stats()["requests"]
    for command in (["plan", path], ["apply", path, "--auto-approve"]):
        message = one_line_error(run(*command))
        assert OTHER_ACCOUNT in message and defaults.ACCOUNT_SID in message
    assert engine.emulator.stats()["requests"] == before, "no request reached the account"


def test_an_api_key_of_another_account_is_refused_before_any_write(
    run: Cli, engine: Engine
) -> None:
    """TWILIO_ACCOUNT_SID says the pinned account, but the key belongs to another: the API's
    own answer (account_sid of /v1/Configuration) decides."""
    path = run.config(pinned(OTHER_ACCOUNT))
    env = {
        "TWILIO_ACCOUNT_SID": OTHER_ACCOUNT,
        "TWILIO_AUTH_TOKEN": None,
        "TWILIO_API_KEY": defaults.API_KEY_SID,
        "TWILIO_API_SECRET": defaults.API_KEY_SECRET,
    }
    writes_before = engine.count_writes()
    message = one_line_error(run("apply", path, "--auto-approve", env=env))
    assert "answers for account" in message
    assert OTHER_ACCOUNT in message and defaults.ACCOUNT_SID in message
    assert engine.count_writes() == writes_before
    assert [s.friendly_name for s in engine.v1.services.list()] == [
        "Default Conversations Service"
    ] or all(s.friendly_name != "Support" for s in engine.v1.services.list())


def test_the_right_account_passes_and_a_variable_can_name_it(run: Cli) -> None:
    path = run.config({**pinned("${PIN_FOR_TEST}")})
    result = run("apply", path, "--auto-approve", env={"PIN_FOR_TEST": defaults.ACCOUNT_SID})
    assert result.exit_code == 0, result.output + result.stderr
    message = one_line_error(run("plan", path, env={"PIN_FOR_TEST": OTHER_ACCOUNT}))
    assert OTHER_ACCOUNT in message


def test_a_malformed_pin_is_a_validation_error(run: Cli) -> None:
    path = run.config(pinned("AC123"))
    result = run("validate", path, endpoint=False)
    assert result.exit_code == 1
    assert ":2: account.sid: 'AC123' is not an Account SID: expected AC and 32 hex" in result.stderr
