"""The account pin: a config names its account, and plan and apply refuse any other."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from email.message import Message

import pytest

from reconciler.emulator import defaults
from tests.engine.conftest import Cli, Engine, one_line_error
from tests.relay import Relay, relaying

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


"""No proxy from the environment between the relay and the emulator."""


class _Anonymous(Relay):
    """Drops `account_sid` from /v1/Configuration: an answer that names no account."""

    def answer(
        self, status: int, headers: Message, payload: bytes
    ) -> tuple[bytes, Mapping[str, str]]:
        if self.path.split("?")[0] == "/v1/Configuration" and payload:
            document = json.loads(payload)
            document.pop("account_sid", None)
            payload = json.dumps(document).encode()
        return payload, {}


@pytest.fixture
def anonymous(engine: Engine) -> Iterator[tuple[str, list[str]]]:
    """The URL of the emulator behind a relay whose /v1/Configuration names no account, and the
    relay's request log."""
    log: list[str] = []
    with relaying(_Anonymous, engine.emulator.url, log) as url:
        yield url, log


def test_a_pin_the_api_does_not_confirm_is_refused_before_any_write(
    run: Cli, engine: Engine, anonymous: tuple[str, list[str]]
) -> None:
    """The pin names the right account, but the API's answer carries no account_sid: the pin
    cannot be checked, so it does not pass."""
    url, log = anonymous
    path = run.config(pinned(defaults.ACCOUNT_SID))
    writes_before = engine.count_writes()
    for command in (["plan", path], ["apply", path, "--auto-approve"]):
        message = one_line_error(run(*command, "--endpoint", url, endpoint=False))
        assert "could not confirm the account" in message, message
        assert defaults.ACCOUNT_SID in message
    assert any(line.startswith("GET /v1/Configuration") for line in log), "the relay was used"
    assert [line for line in log if not line.startswith("GET ")] == []
    assert engine.count_writes() == writes_before


def test_an_unpinned_config_runs_where_the_api_names_no_account(
    run: Cli, anonymous: tuple[str, list[str]]
) -> None:
    """Without a pin there is nothing to confirm: the relay itself works."""
    url, _ = anonymous
    path = run.config({"version": 1, "services": SERVICE})
    result = run("plan", path, "--endpoint", url, endpoint=False)
    assert result.exit_code == 0, result.output + result.stderr
    assert "will be created" in result.output
