"""What `validate` leaves to plan/apply time: an unset variable in a push-credential secret or
in the account pin is a notice there, and an error from `plan` and `apply`; any other unset
variable is an error from every command (README, "Variables and secrets")."""

from __future__ import annotations

import socket

import pytest
from click.testing import CliRunner

from reconciler.cli.main import cli
from tests.config.conftest import WriteFiles

CONFIG = """
    version: 1
    account:
      sid: ${PIN_SID}
    credentials:
      ios:
        type: apn
        certificate: ${IOS_CERTIFICATE}
        private_key: ${IOS_PRIVATE_KEY:-not-a-real-key}
    """
UNSET = {"PIN_SID": None, "IOS_CERTIFICATE": None, "IOS_PRIVATE_KEY": None}


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a configuration error must stop the run before any connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_validate_gives_an_unset_secret_variable_as_a_notice(
    write: WriteFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(write({"c.yaml": CONFIG}))
    result = CliRunner().invoke(cli, ["validate", "c.yaml"], env=UNSET)
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "c.yaml: valid (0 services, 0 roles, 0 address configurations, 1 credential)\n"
    )
    assert result.stderr.splitlines() == [
        "c.yaml:3: notice: account.sid: PIN_SID is not set here; it is supplied at plan/apply "
        "time (plan and apply require it)",
        "c.yaml:7: notice: credentials.ios.certificate: IOS_CERTIFICATE is not set here; it is "
        "supplied at plan/apply time (plan and apply require it)",
    ]


@pytest.mark.parametrize("command", ["plan", "apply"])
def test_plan_and_apply_refuse_the_same_unset_variables(
    write: WriteFiles, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    monkeypatch.chdir(write({"c.yaml": CONFIG}))
    environ = {
        **UNSET,
        "TWILIO_ACCOUNT_SID": "AC" + "1" * 32,
        "TWILIO_AUTH_TOKEN": "not-a-real-token",
    }
    result = CliRunner().invoke(cli, [command, "c.yaml"], env=environ)
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "Error: c.yaml:3: environment variable PIN_SID is not set (set it, or give a default: "
        "${PIN_SID:-default})",
        "c.yaml:7: environment variable IOS_CERTIFICATE is not set (set it, or give a default: "
        "${IOS_CERTIFICATE:-default})",
    ]


def test_validate_refuses_an_unset_variable_anywhere_else(
    write: WriteFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(
        write(
            {
                "c.yaml": """
                version: 1
                account:
                  configuration:
                    default_messaging_service_sid: ${MESSAGING_SERVICE_SID}
                """
            }
        )
    )
    result = CliRunner().invoke(cli, ["validate", "c.yaml"], env={"MESSAGING_SERVICE_SID": None})
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [
        "c.yaml:4: environment variable MESSAGING_SERVICE_SID is not set (set it, or give a "
        "default: ${MESSAGING_SERVICE_SID:-default})",
        "c.yaml: invalid (1 error)",
    ]
