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
