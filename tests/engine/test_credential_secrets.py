"""Secrets may stay out of the config for credentials that exist; creating one needs them."""

from __future__ import annotations

from tests.engine.conftest import Cli, Engine, one_line_error

WITHOUT_SECRETS = {
    "version": 1,
    "credentials": {"android": {"type": "fcm"}, "ios": {"type": "apn", "sandbox": True}},
}


def test_creating_a_credential_without_its_secrets_is_refused_before_any_write(
    run: Cli, engine: Engine
) -> None:
    path = run.config(WITHOUT_SECRETS)
    assert run("validate", path, endpoint=False).exit_code == 0
    engine.emulator.reset_stats()
    error = one_line_error(run("apply", path, "--auto-approve"))
    assert "credential android does not exist yet" in error
    assert "needs secret to create it" in error
    assert "needs certificate and private_key to create it" in error
    assert engine.count_writes() == 0


def test_existing_credentials_plan_clean_without_their_secrets(run: Cli, engine: Engine) -> None:
    engine.v1.credentials.create(type="fcm", friendly_name="android", secret="server-key")
    engine.v1.credentials.create(
        type="apn", friendly_name="ios", sandbox=True, certificate="cert", private_key="key"
    )
    result = run("plan", run.config(WITHOUT_SECRETS), "--detailed-exitcode")
    assert result.exit_code == 0, result.output
    assert "No changes" in result.output


LITERAL = "AAAA-literal-fcm-server-key-written-in-the-file"
DEFAULTED = "default-apn-certificate-written-in-the-file"
FROM_ENV = "apn-private-key-from-the-environment"
WRITTEN_IN_FILES = f"""version: 1
credentials:
  android:
    type: fcm
    secret: "{LITERAL}"
  ios:
    type: apn
    sandbox: true
    certificate: "${{APN_CERT:-{DEFAULTED}}}"
    private_key: ${{APN_KEY}}
"""


def test_a_secret_written_in_the_file_warns_at_its_line_and_is_never_shown(
    run: Cli, engine: Engine
) -> None:
    path = run.config(WRITTEN_IN_FILES)
    env = {"APN_KEY": FROM_ENV}
    outputs = [run("validate", path, endpoint=False, env=env), run("plan", path, env=env)]
    result = run("apply", path, "--auto-approve", env=env)
    outputs.append(result)
    assert result.exit_code == 0, result.output + result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Warning: ")]
    assert warnings == [
        f"Warning: {path}:5: credentials.android.secret is write-only but its value is written "
        "in the configuration, not the environment; write ${VAR} there and set the variable to "
        "a real secret",
        f"Warning: {path}:9: credentials.ios.certificate is write-only but its value comes from "
        "a default written in the configuration, not the environment; write ${VAR} there and "
        "set the variable to a real secret",
    ]
    for output in outputs:
        shown = output.output + output.stderr
        for secret in (LITERAL, DEFAULTED, FROM_ENV):
            assert secret not in shown, "a secret was printed"


def test_a_literal_secret_replaced_by_a_later_files_variable_does_not_warn(
    run: Cli, engine: Engine
) -> None:
    base = run.config(WRITTEN_IN_FILES)
    override = run.config(
        "credentials:\n  android:\n    secret: ${FCM_SECRET}\n"
        "  ios:\n    certificate: ${APN_CERT}\n"
    )
    env = {"APN_KEY": FROM_ENV, "APN_CERT": "apn-cert-from-env", "FCM_SECRET": "fcm-from-env"}
    result = run("apply", base, override, "--auto-approve", env=env)
    assert result.exit_code == 0, result.output + result.stderr
    assert "Warning:" not in result.stderr
    assert LITERAL not in result.output + result.stderr
