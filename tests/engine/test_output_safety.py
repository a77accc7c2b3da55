"""Output that cannot leak or be hijacked, and exit codes a pipeline can trust."""

from __future__ import annotations

import json
import os
import pty
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reconciler import escape, redact
from reconciler.emulator import catalog, defaults
from reconciler.emulator.server import EmulatorServer
from reconciler.plan.planfile import PLAN_FILE_VERSION
from tests.engine.conftest import CREDENTIALS_ENV, Cli, apply_ok, one_line_error

HOSTILE_KEY = "</code></summary><!-- @everyone [x](https://evil.example) \x1b[2J"


def hostile_config() -> dict[str, object]:
    return {
        "version": 1,
        "services": {
            HOSTILE_KEY: {
                "roles": {"a\x1b[31mred": {"type": "service", "permissions": ["addParticipant"]}}
            }
        },
    }


def test_markdown_cannot_be_hijacked_by_names(run: Cli) -> None:
    path = run.config(hostile_config())
    markdown = run("plan", path, "--format", "markdown").output
    for raw in ("</code></summary>", "<!--", "@everyone", "[x](", "\x1b"):
        assert raw not in markdown, raw
    assert markdown.count("<code>") == markdown.count("</code>")
    assert markdown.count("<details>") == markdown.count("</details>") == 2
    assert markdown.count("<summary>") == markdown.count("</summary>") == 2


def test_terminal_output_shows_control_characters_escaped(run: Cli) -> None:
    path = run.config(hostile_config())
    for command in (["plan", path], ["apply", path, "--auto-approve"]):
        result = run(*command)
        assert result.exit_code == 0, result.output + result.stderr
        assert "\x1b" not in result.output
        assert "\\x1b[2J" in result.output


SECRET_VALUE = (
    "-----BEGIN PRIVATE KEY-----\nMIIEsecretkeymaterial0123456789\n-----END PRIVATE KEY-----"
)
TOKEN = "auth-token-that-must-never-show-0123"


def test_no_secret_reaches_any_output(run: Cli, emulator: EmulatorServer, tmp_path: Path) -> None:
    """Credential values and the tool's own auth token, in every output, error and file."""
    redact.forget_all()
    config = run.config(
        {
            "version": 1,
            "credentials": {
                "ios": {
                    "type": "apn",
                    "certificate": "${CERT_T}",
                    "private_key": "${KEY_T}",
                    # A line of the key pasted where it does not belong: still masked.
                    "friendly_name": "MIIEsecretkeymaterial0123456789",
                }
            },
        }
    )
    env = {"CERT_T": SECRET_VALUE + "c", "KEY_T": SECRET_VALUE}
    planfile = tmp_path / "plan.json"
    outputs = []
    for args in (
        ["plan", config],
        ["plan", config, "--format", "json"],
        ["plan", config, "--format", "markdown", "--out", str(planfile)],
        ["apply", config, "--auto-approve", "--debug"],
        ["export"],
    ):
        result = run(*args, env=env)
        assert result.exit_code == 0, (args, result.output, result.stderr)
        outputs += [result.output, result.stderr]
    outputs.append(planfile.read_text())
    # The server refuses the token: the error, with --debug's traceback, must not show it.
    wrong = run("plan", config, "--debug", env={**env, "TWILIO_AUTH_TOKEN": TOKEN})
    assert wrong.exit_code == 1
    outputs += [wrong.output, wrong.stderr]
    joined = "\n".join(outputs)
    for line in SECRET_VALUE.splitlines():
        assert line not in joined
    assert TOKEN not in joined
    assert defaults.AUTH_TOKEN not in joined
    assert "***" in joined


def test_a_config_cannot_read_the_tools_own_credentials(run: Cli) -> None:
    for name in ("TWILIO_AUTH_TOKEN", "TWILIO_API_SECRET"):
        path = run.config(
            {"version": 1, "credentials": {"c": {"type": "fcm", "secret": "${" + name + "}"}}}
        )
        result = run("validate", path, endpoint=False)
        assert result.exit_code == 1
        assert f"${{{name}}} is the credential this tool connects with" in result.stderr


def test_an_include_of_a_non_config_file_does_not_echo_it(run: Cli, tmp_path: Path) -> None:
    secret_file = tmp_path / "notes.txt"
    secret_file.write_text("root:x:0:0:hunter2-password-line:/root:/bin/bash\n")
    path = run.config({"version": 1, "include": [str(secret_file)]})
    result = run("validate", path, endpoint=False)
    assert result.exit_code == 1
    assert "hunter2" not in result.output + result.stderr


# --- exit codes ----------------------------------------------------------------------------


def test_a_missing_path_is_an_error_not_drift(run: Cli, tmp_path: Path) -> None:
    result = run("plan", str(tmp_path / "envs" / "prd"), "--detailed-exitcode")
    assert result.exit_code == 1
    assert "no such file or folder" in result.stderr


def test_usage_errors_exit_1(run: Cli) -> None:
    assert run("plan", "--detailed-exitcode", "--no-such-flag").exit_code == 1
    assert run("plan", "--format", "yaml", "x.yaml").exit_code == 1
    assert run("nonsense", endpoint=False).exit_code == 1


def test_debug_before_or_after_the_command_or_from_the_environment(
    run: Cli, tmp_path: Path
) -> None:
    broken = tmp_path / "plan.json"
    broken.write_text(json.dumps({"plan_file_version": PLAN_FILE_VERSION, "plan": {}}))
    for args, env in (
        (["--debug", "show", str(broken)], None),
        (["show", str(broken), "--debug"], None),
        (["show", str(broken)], {"RECONCILER_DEBUG": "1"}),
    ):
        result = run(*args, env=env, endpoint=False)
        assert result.exit_code == 1, (args, result.output)
        assert "damaged" in result.stderr
    plain = run("show", str(tmp_path / "x.json"), endpoint=False)
    assert "Traceback" not in plain.stderr


def test_an_unexpected_error_says_how_to_get_the_traceback(
    run: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*_: object, **__: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("reconciler.plan.planfile.read_plan", explode)
    message = one_line_error(run("show", "x.json", endpoint=False))
    assert "--debug" in message and "RECONCILER_DEBUG=1" in message
    debugged = run("show", "x.json", "--debug", endpoint=False)
    assert "Traceback" in debugged.stderr and "RuntimeError: boom" in debugged.stderr


def test_ctrl_c_at_the_confirmation_prompt_exits_130(
    run: Cli, emulator: EmulatorServer, tmp_path: Path
) -> None:
    config = run.config({"version": 1, "services": {"support": {}}})
    primary, secondary = pty.openpty()
    env = {**os.environ, **CREDENTIALS_ENV, "NO_COLOR": "1"}
    env.pop("RECONCILER_DEBUG", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "reconciler", "apply", config, "--endpoint", emulator.url],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env=env,
        cwd=tmp_path,
    )
    os.close(secondary)
    seen = b""
    deadline = time.monotonic() + 30
    while b"Only 'yes' is accepted" not in seen and time.monotonic() < deadline:
        try:
            seen += os.read(primary, 4096)
        except OSError:
            break
    assert b"Only 'yes' is accepted" in seen, seen
    # A person presses Ctrl-C while the prompt waits; give the child time to start waiting
    # (a signal that lands just before input() blocks is only seen at the next one).
    time.sleep(0.3)
    process.send_signal(signal.SIGINT)
    try:
        code = process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=10)
    assert code == 130
    os.close(primary)
    assert all(s.friendly_name != "support" for s in _services(emulator))


def _services(emulator: EmulatorServer) -> list[object]:
    from tests.conftest import close_client
    from tests.engine.conftest import build_sdk

    client = build_sdk(emulator)
    try:
        return list(client.conversations.v1.services.list())
    finally:
        close_client(client)


def test_apply_warns_when_a_secret_comes_from_a_default_in_the_file(run: Cli) -> None:
    config = run.config(
        {
            "version": 1,
            "credentials": {"android": {"type": "fcm", "secret": "${FCM_T:-not-really-secret}"}},
        }
    )
    result = run("apply", config, "--auto-approve")
    assert result.exit_code == 0, result.output + result.stderr
    assert "credentials.android.secret is write-only" in result.stderr
    apply_ok(run, config, env={"FCM_T": "real-secret-value"})


def test_failure_advice_fits_a_refused_value(run: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """Twilio refuses the value (not a busy API): a rerun would fail the same way. validate
    knows Twilio's limits, so the emulator here plays a Twilio stricter than they say."""
    monkeypatch.setattr(catalog, "MAX_TEMPLATE", 100)
    long_template = "x" * 500
    config = run.config(
        {
            "version": 1,
            "services": {
                "support": {"notifications": {"new_message": {"template": long_template}}}
            },
        }
    )
    message = one_line_error(run("apply", config, "--auto-approve"))
    assert "Fix the cause" in message
    assert "running apply again finishes the rest" not in message


# A push secret that output escapes: JSON escapes " and \, Markdown makes entities of & < > ' ",
# a terminal shows control characters as \x1b, a repr escapes '. Its ends are markers that no
# escaping changes, so any form of it, whole or in part, is found by looking for them.
ESCAPED_SECRETS = {
    "quotes": "k3yQ\"with&quote\u2039\u00fc>'apos' <b>|@x\\back Z9tail",
    "apostrophe-only": "k3yQ it's&<ü> \u00a0\\path Z9tail",
    "control": "k3yQ\x1b[31mred\u202eflip\ttab Z9tail",
}


@pytest.mark.parametrize("secret", ESCAPED_SECRETS.values(), ids=ESCAPED_SECRETS.keys())
def test_a_secret_is_masked_in_its_escaped_forms_too(
    run: Cli, emulator: EmulatorServer, tmp_path: Path, secret: str
) -> None:
    """An FCM secret also used as a service's name: shown JSON-escaped in the text plan,
    HTML-escaped in Markdown, \\u-escaped or not in JSON, inside a repr in an error message."""
    redact.forget_all()
    document: dict[str, object] = {
        "version": 1,
        "credentials": {"android": {"type": "fcm", "secret": "${FCM_S}"}},
        "services": {"x": {"friendly_name": "${FCM_S}"}},
    }
    config = run.config(document)
    env = {"FCM_S": secret}
    planfile = tmp_path / "plan.json"
    outputs = []
    for args in (
        ["plan", config],
        ["plan", config, "--format", "json"],
        ["plan", config, "--format", "markdown"],
        ["plan", config, "--format", "github"],
        ["plan", config, "--out", str(planfile)],
        ["show", str(planfile)],
        ["apply", config, "--auto-approve"],
    ):
        result = run(*args, env=env, endpoint=args[0] != "show")
        assert result.exit_code == 0, (args, result.output, result.stderr)
        outputs += [result.output, result.stderr]
    outputs.append(planfile.read_text(encoding="utf-8"))
    # The live service now bears the secret as its name; a pin to a missing service names it
    # in the error (as a Python repr), plain and under --debug.
    pinned = run.config(
        {**document, "services": {"x": {"friendly_name": "${FCM_S}", "sid": "IS" + "0" * 32}}}
    )
    for args in (["plan", pinned], ["plan", pinned, "--debug"]):
        failed = run(*args, env=env)
        assert failed.exit_code == 1, (failed.output, failed.stderr)
        named = ("a live service is named '***' (", 'a live service is named "***" (')
        assert any(text in failed.stderr for text in named), failed.stderr
        outputs += [failed.output, failed.stderr]
    joined = "\n".join(outputs)
    shown = [
        json.dumps(secret),
        json.dumps(secret, ensure_ascii=False),
        repr(secret),
        escape.terminal(json.dumps(secret, ensure_ascii=False)),
        escape.markdown(json.dumps(secret, ensure_ascii=False)),
    ]
    for form in shown:
        assert form[1:-1] not in joined, form
    assert "k3yQ" not in joined and "Z9tail" not in joined, joined
    assert '"friendly_name": "***"' in joined and "&quot;***&quot;" in joined
