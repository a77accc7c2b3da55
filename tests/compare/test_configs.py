"""`reconciler diff A B` over two configurations, through the CLI as users run it (offline)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.engine.conftest import EXAMPLE_ENV, EXAMPLES, Cli, one_line_error, write_yaml

STAGING = str(EXAMPLES / "environments" / "staging")
PROD = str(EXAMPLES / "environments" / "prod")
EXAMPLE_PINS = {name: value for name, value in EXAMPLE_ENV.items() if name.startswith("TWILIO_")}
"""The example environments' account pins; their push secrets stay unset (never compared)."""
SECRET_A = "diff-secret-value-of-side-a-0123456789"
SECRET_B = "diff-secret-value-of-side-b-9876543210"

SUPPORT: dict[str, Any] = {
    "version": 1,
    "services": {
        "support": {
            "friendly_name": "Support",
            "roles": {
                "agent": {
                    "type": "conversation",
                    "permissions": ["sendMessage", "leaveConversation"],
                },
            },
            "configuration": {"default_conversation_role": "agent"},
            "webhooks": {"method": "POST", "post_webhook_url": "https://hooks.example.com/a"},
        }
    },
}


def diff(run: Cli, *args: str, env: dict[str, str] | None = None) -> Any:
    """`reconciler diff ...` with no account: both sides are configurations."""
    return run("diff", *args, env=env, endpoint=False)


def variant(**changes: Any) -> dict[str, Any]:
    document = json.loads(json.dumps(SUPPORT))
    support = document["services"]["support"]
    for dotted, value in changes.items():
        *path, leaf = dotted.split("__")
        target = support
        for part in path:
            target = target.setdefault(part, {})
        if value is None:
            target.pop(leaf, None)
        else:
            target[leaf] = value
    return document


def test_staging_and_prod_differ_field_by_field_in_every_format(run: Cli) -> None:
    text = diff(run, STAGING, PROD, env=EXAMPLE_PINS)
    assert text.exit_code == 0, text.output + text.stderr
    assert text.stdout.startswith(f"--- A: {STAGING}\n+++ B: {PROD}\n")
    assert "~ service_webhooks support differs" in text.stdout
    assert (
        '~ post_webhook_url: "https://staging.hooks.example.com/twilio/support/post" -> '
        '"https://hooks.example.com/twilio/support/post"'
    ) in text.stdout
    assert '~ pre_webhook_url: (not managed) -> "https://hooks.example.com/twilio/support/pre"' in (
        text.stdout
    )
    assert "+ credential support-ios only in B" in text.stdout
    assert "+ certificate = (sensitive value)" in text.stdout
    assert "- address_configuration sms:+15017122671 only in A" in text.stdout
    assert "A and B differ: 1 only in A, 4 only in B, 3 in both with different settings." in (
        text.stdout
    )

    document = json.loads(diff(run, STAGING, PROD, "--format", "json", env=EXAMPLE_PINS).stdout)
    assert document["a"] == {
        "name": "A",
        "source": "config",
        "paths": [STAGING],
        "account_sid": None,
    }
    assert document["summary"] == {"create": 4, "update": 2, "replace": 1, "delete": 1}
    changes = {(change["kind"], change["key"]): change for change in document["changes"]}
    webhooks = changes["service_webhooks", "support"]
    assert webhooks["before"] == {
        "post_webhook_url": "https://staging.hooks.example.com/twilio/support/post",
        "filters": ["onConversationStateUpdated", "onMessageAdded"],
    }
    assert webhooks["after"]["pre_webhook_url"] == "https://hooks.example.com/twilio/support/pre"
    pre = next(field for field in webhooks["fields"] if field["name"] == "pre_webhook_url")
    assert (pre["before_managed"], pre["after_managed"]) == (False, True)
    service = changes["service", "support"]
    assert service["action"] == "replace" and service["sid"] is None
    assert "friendly_name cannot be changed in place" in service["reasons"][0]
    ios = changes["credential", "support-ios"]
    assert ios["after_sensitive"] == {"certificate": True, "private_key": True}

    markdown = diff(run, STAGING, PROD, "--format", "markdown", env=EXAMPLE_PINS)
    assert markdown.stdout.startswith("### reconciler diff\n")
    assert "| 1 | 4 | 3 |" in markdown.stdout
    assert "| `pre_webhook_url` | (not managed) |" in markdown.stdout


def test_the_same_settings_do_not_differ_and_exit_codes_follow_the_flag(run: Cli) -> None:
    a = run.config(SUPPORT)
    reordered = variant(
        roles={
            "agent": {"type": "conversation", "permissions": ["leaveConversation", "sendMessage"]}
        },
        configuration={"default_conversation_role": "agent"},
    )
    b = run.config(reordered)
    same = diff(run, a, b, "--detailed-exitcode")
    assert same.exit_code == 0, same.output + same.stderr
    assert "No differences: A and B agree on everything they manage." in same.stdout
    assert json.loads(diff(run, a, b, "--format", "json").stdout)["changes"] == []
    assert "**No differences.**" in diff(run, a, b, "--format", "markdown").stdout

    other = run.config(variant(webhooks__post_webhook_url="https://hooks.example.com/b"))
    assert diff(run, a, other).exit_code == 0
    assert diff(run, a, other, "--detailed-exitcode").exit_code == 2


def test_references_are_compared_by_name(run: Cli) -> None:
    a = run.config(variant(roles__lead={"type": "conversation", "permissions": ["sendMessage"]}))
    b = run.config(
        variant(
            roles__lead={"type": "conversation", "permissions": ["sendMessage"]},
            configuration={"default_conversation_role": "lead"},
        )
    )
    result = diff(run, a, b)
    assert '~ default_conversation_role: "agent" -> "lead"' in result.stdout, result.stdout
    assert "1 in both with different settings" in result.stdout


def test_several_paths_per_side_merge_in_order_with_variables(run: Cli, tmp_path: Path) -> None:
    base = write_yaml(tmp_path / "base", SUPPORT, "shared.yaml")
    override = write_yaml(
        tmp_path / "envs",
        {
            "version": 1,
            "services": {"support": {"webhooks": {"post_webhook_url": "${HOOK_URL}"}}},
        },
        "prod.yaml",
    )
    env = {"HOOK_URL": "https://prod.example.com/hook"}
    merged = diff(run, "--a", str(base), "--b", str(base), "--b", str(override), env=env)
    assert merged.exit_code == 0, merged.output + merged.stderr
    assert f"+++ B: {base} + {override}" in merged.stdout
    assert '"https://hooks.example.com/a" -> "https://prod.example.com/hook"' in merged.stdout
    # A positional path fills the side --a/--b leave.
    mixed = diff(run, "--b", str(base), "--b", str(override), str(base), env=env)
    assert mixed.stdout == merged.stdout

    unset = diff(run, "--a", str(base), "--b", str(base), "--b", str(override))
    message = one_line_error(unset)
    assert "side B" in message and "HOOK_URL is not set" in message


def test_secrets_are_never_compared_or_shown(run: Cli) -> None:
    def credentials(**fields: Any) -> str:
        return run.config({"version": 1, "credentials": {"android": {"type": "fcm", **fields}}})

    a = credentials(secret="${SECRET_A_T}")
    b = credentials(secret="${SECRET_B_T}")
    env = {"SECRET_A_T": SECRET_A, "SECRET_B_T": SECRET_B}
    outputs = []
    for output_format in ("text", "json", "markdown"):
        result = diff(run, a, b, "--format", output_format, "--detailed-exitcode", env=env)
        assert result.exit_code == 0, result.output + result.stderr
        outputs += [result.stdout, result.stderr]
    assert "credential android secret" in outputs[0]
    assert json.loads(outputs[2])["notes"] == [
        "write-only secrets are never compared (Twilio never returns them): "
        "credential android secret"
    ]

    # A secret one side sets and the other leaves out: marked, never shown.
    unset = credentials()
    one_sided = diff(run, a, unset, "--format", "json", env=env)
    (change,) = json.loads(one_sided.stdout)["changes"]
    assert change["fields"] == [
        {
            "name": "secret",
            "before": "(sensitive value)",
            "before_known": True,
            "after": "(sensitive value)",
            "sensitive": True,
            "before_managed": True,
            "after_managed": False,
        }
    ]
    assert change["before"] == {"secret": "(sensitive value)"} and change["after"] == {}
    assert change["before_sensitive"] == {"secret": True}
    text = diff(run, a, unset, env=env).stdout
    assert "~ secret: (sensitive value) -> (not managed)" in text
    outputs += [one_sided.stdout, text]
    # Secrets need not be set at all: they are not compared.
    assert diff(run, a, b).exit_code == 0
    joined = "\n".join(outputs)
    assert SECRET_A not in joined and SECRET_B not in joined


def test_names_and_values_are_escaped_in_markdown(run: Cli) -> None:
    a = run.config(SUPPORT)
    b = run.config(variant(friendly_name="<img src=x> @team [link](https://evil.example)"))
    markdown = diff(run, a, b, "--format", "markdown").stdout
    assert "<img" not in markdown and "@team" not in markdown and "](" not in markdown


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((), "A and B is missing"),
        (("one.yaml",), "B is missing"),
        (("one.yaml", "two.yaml", "three.yaml"), "too many paths"),
        (("one.yaml", "two.yaml", "--live"), "--live takes the place of a side"),
        (("--live",), "--live compares the account with a configuration"),
        (("one.yaml", "two.yaml", "--local"), "--endpoint and --local choose the account"),
        (("one.yaml", "two.yaml", "--endpoint", "http://127.0.0.1:9"), "--endpoint and --local"),
        (("--a", "one.yaml", "--b", "two.yaml", "three.yaml"), "too many paths"),
    ],
)
def test_usage_errors_say_how_to_give_the_sides(
    run: Cli, args: tuple[str, ...], expected: str
) -> None:
    result = diff(run, *args)
    assert result.exit_code == 1, result.output + result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert expected in result.stderr, result.stderr
    if "missing" in expected or "too many" in expected:
        assert "--a PATH / --b PATH" in result.stderr and "--live" in result.stderr


def test_a_missing_or_invalid_side_is_one_error_naming_the_side(run: Cli, tmp_path: Path) -> None:
    good = run.config(SUPPORT)
    missing = one_line_error(diff(run, good, str(tmp_path / "nowhere")))
    assert "side B" in missing and "no such file or folder" in missing
    invalid = run.config({"version": 1, "services": {"support": {"webhooks": {"method": None}}}})
    message = one_line_error(diff(run, invalid, good))
    assert "side A" in message and invalid in message
