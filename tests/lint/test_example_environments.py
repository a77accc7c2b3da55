"""examples/environments: the base's webhook rules, made stricter by prod, as users copy them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reconciler import lint
from reconciler.config import load_config

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "environments"
PINS_AND_SECRETS = {
    "TWILIO_ACCOUNT_SID_PROD": "AC" + "1" * 32,
    "TWILIO_ACCOUNT_SID_STAGING": "AC" + "2" * 32,
    "APN_CERTIFICATE": "test-certificate",
    "APN_PRIVATE_KEY": "test-private-key",
}
TUNNEL = {"STAGING_HOOKS_URL": "https://abc123.ngrok-free.app"}


def test_the_merged_rules_of_each_environment() -> None:
    staging = load_config(
        [str(EXAMPLES / "staging")], environ=PINS_AND_SECRETS
    ).config.policy.webhooks
    prod = load_config([str(EXAMPLES / "prod")], environ=PINS_AND_SECRETS).config.policy.webhooks
    assert (staging.development_hosts, staging.require_https, staging.allowed_hosts) == (
        "warn",
        False,
        [],
    )
    assert (prod.development_hosts, prod.require_https, prod.allowed_hosts) == (
        "error",
        True,
        ["hooks.example.com"],
    )
    assert staging.required_filters == prod.required_filters == ["onMessageAdded"]


@pytest.mark.parametrize("environment", ["staging", "prod"])
def test_the_examples_follow_their_own_rules(environment: str) -> None:
    assert lint.check(load_config([str(EXAMPLES / environment)], environ=PINS_AND_SECRETS)) == []


def test_a_tunnel_in_staging_is_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    findings = lint.check(
        load_config([str(EXAMPLES / "staging")], environ={**PINS_AND_SECRETS, **TUNNEL})
    )
    assert [(f.rule, f.severity, Path(f.file or "").name) for f in findings] == [
        ("webhook-development-host", "warning", "conversations.yaml")
    ] * 2
    lint.raise_for_errors(findings)


def test_the_same_tunnel_in_prod_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "environments"
    shutil.copytree(EXAMPLES, copy)
    prod = copy / "prod" / "conversations.yaml"
    text = prod.read_text(encoding="utf-8")
    prod.write_text(
        text.replace(
            "https://hooks.example.com/twilio/support/inbound",
            "http://abc123.ngrok-free.app/twilio/support/inbound",
        ),
        encoding="utf-8",
    )
    findings = lint.check(load_config([str(copy / "prod")], environ=PINS_AND_SECRETS))
    assert sorted(f.rule for f in findings) == [
        "webhook-development-host",
        "webhook-host-not-allowed",
        "webhook-https",
    ]
    assert {f.severity for f in findings} == {"error"}
    assert {f.path for f in findings} == {"address_configurations[0].auto_creation.webhook_url"}
    with pytest.raises(lint.PolicyError):
        lint.raise_for_errors(findings)
