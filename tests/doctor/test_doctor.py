"""`reconciler doctor` against emulated accounts: clean ones exit 0, ones holding what this
version does not know list each thing where it is and exit 2; never a secret, never a write."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from reconciler.cli.main import cli
from reconciler.doctor import CONCURRENCY_HEADERS, PROBLEMS, diagnose, render_json, render_text
from reconciler.emulator import defaults
from reconciler.emulator.server import EmulatorServer
from reconciler.kinds import ALL_KINDS
from reconciler.live.api import LiveApi
from reconciler.live.connection import build_client
from tests.conftest import close_client, emulator_settings
from tests.doctor.conftest import NEWER_HEADERS, SKEW_SECONDS
from tests.engine.conftest import (
    Cli,
    Engine,
    assert_no_secret_shown,
    assert_no_traceback,
    one_line_error,
    writes,
)
from tests.engine.test_endpoints import NOT_TWILIO, _serve
from tests.engine.test_open_world import GONE_ROLE, GONE_SERVICE, LONG_NAME
from tests.export.conftest import build_rich_account
from tests.plan_json.checks import assert_valid, load_schema
from tests.test_readme import blocks, section

SEEDED_UNKNOWN = {
    ("account_webhooks", "target", "studio", "unknown_value"),
    ("account_webhooks", "filters", "onAIThing", "unknown_value"),
    ("account_webhooks", "method", "PUT", "unknown_value"),
    ("service_webhooks", "filters", "onAgentHandoff", "unknown_value"),
    ("service_webhooks", "method", "PUT", "unknown_value"),
    ("role", "permissions", "impersonate", "unknown_value"),
    ("role", "type", "robot", "unknown_type"),
    ("role", "permissions", "beep", "unknown_value"),
    ("role", "permissions", "summonAI", "unknown_value"),
    ("address_configuration", "type", "telegram", "unknown_type"),
    ("address_configuration", "auto_creation.type", "ai_agent", "unknown_value"),
    (
        "address_configuration",
        "auto_creation.webhook_filters",
        "onConversationSummarized",
        "unknown_value",
    ),
    (
        "address_configuration",
        "auto_creation.conversation_service",
        GONE_SERVICE,
        "dangling_reference",
    ),
    ("credential", "type", "hms", "unknown_type"),
    ("service", "friendly_name", LONG_NAME, "too_long"),
    ("service_configuration", "default_conversation_creator_role", GONE_ROLE, "dangling_reference"),
}
"""What tests/engine/test_open_world.py seeds, as doctor names it (a lower-case webhook method
is not among them: any case is a method this version knows)."""


def doctor_json(
    run: Cli, *args: str, env: dict[str, str | None] | None = None, endpoint: bool = True
) -> Any:
    """`doctor --format json`: its exit code agrees with its list, its output with the schema."""
    result = run("doctor", "--format", "json", *args, env=env, endpoint=endpoint)
    assert result.exit_code in (0, 2), result.output + result.stderr
    document = json.loads(result.stdout)
    assert_valid(document, "doctor.schema.json")
    assert result.exit_code == (2 if document["unknown"] else 0)
    return document


def test_a_clean_account_of_every_kind_has_nothing_unknown(run: Cli, engine: Engine) -> None:
    build_rich_account(engine.client)
    before = writes(engine.emulator.stats())
    result = run("doctor")
    assert result.exit_code == 0, result.output + result.stderr
    assert "Nothing in this account is unknown to this version." in result.output
    assert f"the auth token of account {defaults.ACCOUNT_SID}" in result.output
    assert f"Account:      {defaults.ACCOUNT_SID} (the API answered for it)" in result.output
    assert "Twilio-Concurrent-Requests: not sent" in result.output
    assert "Twilio-Request-Id not sent" in result.output

    document = doctor_json(run)
    assert document["unknown"] == []
    assert document["account_sid"] == defaults.ACCOUNT_SID
    assert document["credentials"] == {
        "type": "auth_token",
        "account_sid": defaults.ACCOUNT_SID,
        "api_key_sid": None,
        "source": "environment",
    }
    assert document["endpoint"]["url"] == engine.emulator.url
    assert document["endpoint"]["server"].startswith("TwilioConversationsEmulator")
    assert abs(document["clock_skew_seconds"]) <= 1
    assert document["concurrency"] == {"looked_for": list(CONCURRENCY_HEADERS), "sent": {}}
    summary = document["summary"]
    assert summary["unknown"] == 0 and set(summary["by_problem"].values()) == {0}
    assert summary["resources"]["service"] == 6 and summary["resources"]["credential"] == 3
    assert summary["resources"]["address_configuration"] == 3
    assert summary["answers"] == summary["answers_with_date"] > 0
    assert writes(engine.emulator.stats()) == before, "doctor is read-only"


def test_every_unknown_value_of_a_seeded_account_is_listed_where_it_is(
    seeded: tuple[Cli, Engine],
) -> None:
    run, engine = seeded
    before = writes(engine.emulator.stats())
    document = doctor_json(run)
    found = {(u["kind"], u["field"], u["value"], u["problem"]) for u in document["unknown"]}
    assert found == SEEDED_UNKNOWN
    assert document["summary"]["unknown"] == len(SEEDED_UNKNOWN)
    assert document["summary"]["by_problem"] == {
        "unknown_type": 3,
        "unknown_value": 10,
        "unread_field": 0,
        "dangling_reference": 2,
        "too_long": 1,
        "nameless": 0,
    }
    where = {(u["kind"], u["value"]): (u["key"], u["sid"]) for u in document["unknown"]}
    bot_key, bot_sid = where[("role", "robot")]
    assert (
        bot_key == f"{LONG_NAME}/bot"
        and bot_sid == engine.role(engine.service_sid(LONG_NAME), "bot").sid
    )
    assert where[("address_configuration", "telegram")][0] == "telegram:12345"
    assert where[("account_webhooks", "studio")] == ("account", None)
    assert where[("service_configuration", GONE_ROLE)] == (
        LONG_NAME,
        engine.service_sid(LONG_NAME),
    )

    text = run("doctor")
    assert text.exit_code == 2
    assert f"Unknown to this version ({len(SEEDED_UNKNOWN)}):" in text.output
    assert "auto_creation.conversation_service = " in text.output
    assert f"names {GONE_SERVICE}, which is not a service of this account" in text.output
    assert "'summonAI' is not a role permission this version knows" in text.output
    assert (
        f"{len(SEEDED_UNKNOWN)} things in this account are unknown to this version" in text.output
    )
    assert writes(engine.emulator.stats()) == before, "doctor is read-only"


def test_fields_headers_and_clock_of_a_newer_twilio(run: Cli, engine: Engine, newer: str) -> None:
    """Behind a relay answering as a newer API would: each field the kinds do not read is
    listed at its path, the concurrency header and request id are seen, the clock is off."""
    build_rich_account(engine.client)
    result = run("doctor", "--format", "json", "--endpoint", newer, endpoint=False)
    assert result.exit_code == 2, result.output + result.stderr
    document = json.loads(result.stdout)
    assert_valid(document, "doctor.schema.json")
    unread = {
        (u["kind"], u["key"], u["field"], json.dumps(u["value"]))
        for u in document["unknown"]
        if u["problem"] == "unread_field"
    }
    services = {service.friendly_name for service in engine.v1.services.list()}
    addresses = {
        item.address if item.address.startswith(f"{item.type}:") else f"{item.type}:{item.address}"
        for item in engine.v1.address_configurations.list()
    }
    assert unread == {
        *(("service", name, "ai_assistant_sid", json.dumps("AI" + "1" * 32)) for name in services),
        *(
            (
                "address_configuration",
                key,
                "auto_creation.ai_agent_sid",
                json.dumps("AG" + "2" * 32),
            )
            for key in addresses
        ),
        ("account_configuration", "account", "default_ai_settings", '{"enabled": true}'),
    }
    assert document["summary"]["unknown"] == len(unread), "nothing else is unknown"
    assert document["concurrency"]["sent"] == {
        "Twilio-Concurrent-Requests": NEWER_HEADERS["Twilio-Concurrent-Requests"]
    }
    assert document["endpoint"]["request_id_header"] is True
    assert abs(document["clock_skew_seconds"] - SKEW_SECONDS) <= 1

    text = run("doctor", "--endpoint", newer, endpoint=False).output
    assert "Twilio-Concurrent-Requests: 3;" in text and "X-Rate-Limit-Limit: not sent" in text
    ahead = re.search(r"Twilio's clock is (\d+) s ahead of this machine's", text)
    assert ahead is not None and abs(int(ahead.group(1)) - SKEW_SECONDS) <= 1, text


def test_an_api_key_shows_its_sid_and_never_its_secret(run: Cli, emulator: EmulatorServer) -> None:
    env: dict[str, str | None] = {
        "TWILIO_AUTH_TOKEN": None,
        "TWILIO_API_KEY": defaults.API_KEY_SID,
        "TWILIO_API_SECRET": defaults.API_KEY_SECRET,
    }
    runner = CliRunner()
    arguments = ["doctor", "--endpoint", emulator.url]
    environment = {"TWILIO_ACCOUNT_SID": defaults.ACCOUNT_SID, "RECONCILER_ENDPOINT": None, **env}
    for output_format in ("text", "json"):
        result = runner.invoke(cli, [*arguments, "--format", output_format], env=environment)
        assert result.exit_code == 0, result.output + result.stderr
        assert defaults.API_KEY_SID in result.output
        # The key's SID names it (Twilio shows it too); every other secret variable is checked.
        shown = {name: value for name, value in environment.items() if name != "TWILIO_API_KEY"}
        assert_no_secret_shown(shown, result)
    document = json.loads(result.stdout)
    assert_valid(document, "doctor.schema.json")
    assert document["credentials"] == {
        "type": "api_key",
        "account_sid": defaults.ACCOUNT_SID,
        "api_key_sid": defaults.API_KEY_SID,
        "source": "environment",
    }
    assert document["account_sid"] == defaults.ACCOUNT_SID

    # Unmasked: the report itself holds no secret (the CLI's output mask is not what hides it).
    client = build_client(emulator_settings(api_key=True), emulator.url)
    try:
        report = diagnose(LiveApi(client, concurrency=4))
    finally:
        close_client(client)
    for rendered in (render_text(report), render_json(report)):
        assert defaults.API_KEY_SID in rendered
        assert defaults.API_KEY_SECRET not in rendered and defaults.AUTH_TOKEN not in rendered


def test_an_api_key_of_another_account_shows_the_account_it_reaches(run: Cli) -> None:
    other = "AC" + "f" * 32
    env: dict[str, str | None] = {
        "TWILIO_ACCOUNT_SID": other,
        "TWILIO_AUTH_TOKEN": None,
        "TWILIO_API_KEY": defaults.API_KEY_SID,
        "TWILIO_API_SECRET": defaults.API_KEY_SECRET,
    }
    result = CliRunner().invoke(
        cli, ["doctor", "--endpoint", run.emulator.url], env={"RECONCILER_ENDPOINT": None, **env}
    )
    assert result.exit_code == 0, result.output + result.stderr
    assert (
        f"{defaults.ACCOUNT_SID}: the API answered for this account, not for {other}"
        in result.output
    )


def test_local_runs_against_the_embedded_emulator(
    run: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    document = doctor_json(run, "--local", env={"TWILIO_ACCOUNT_SID": None}, endpoint=False)
    assert document["credentials"]["source"] == "local"
    assert document["endpoint"]["local"] is True
    assert document["unknown"] == []
    assert (tmp_path / defaults.LOCAL_STATE_DIR).is_dir()


def test_refused_credentials_name_the_credentials_doctor_used(run: Cli) -> None:
    message = one_line_error(run("doctor", env={"TWILIO_AUTH_TOKEN": "not-the-auth-token"}))
    assert "Twilio refused the credentials (error 20003, HTTP 401)" in message
    assert f"doctor used the auth token of account {defaults.ACCOUNT_SID}" in message


def test_an_endpoint_that_is_not_twilio_is_an_error(run: Cli) -> None:
    for stub in _serve("foreign-json"):
        result = run("doctor", "--format", "json", "--endpoint", stub.url, endpoint=False)
        message = one_line_error(result)
        assert NOT_TWILIO in message
        assert result.stdout == ""
        assert stub.writes() == []


def test_help_explains_the_checks_and_exit_codes() -> None:
    result: Result = CliRunner().invoke(cli, ["doctor", "--help"])
    assert result.exit_code == 0
    assert_no_traceback(result)
    for words in ("never a secret", "Date header", "Exit codes: 0 nothing unknown; 2", "--local"):
        assert words in " ".join(result.output.split()), words


def test_the_schema_names_every_kind_and_problem() -> None:
    schema = load_schema("doctor.schema.json")
    item = schema["$defs"]["unknown"]["properties"]
    assert item["kind"]["enum"] == [kind.name for kind in ALL_KINDS]
    assert sorted(item["problem"]["enum"]) == sorted(PROBLEMS)
    assert sorted(schema["properties"]["summary"]["properties"]["by_problem"]["required"]) == (
        sorted(PROBLEMS)
    )


def test_the_adoption_guide_runs_doctor_first_and_shows_its_lines(run: Cli) -> None:
    """The README's guide: doctor is the first command that reaches the account, and the sample
    output has the lines doctor prints, in order."""
    guide = section("Adopting an existing account")
    commands = [
        line.strip()
        for block in blocks(guide, "sh")
        for line in block.splitlines()
        if line.strip().startswith("reconciler ") and line.strip() != "reconciler --help"
    ]
    assert commands[0].startswith("reconciler doctor"), commands
    (sample,) = re.findall(r"^```\n(Credentials:.*?)^```", guide, flags=re.DOTALL | re.MULTILINE)
    result = run("doctor")
    assert result.exit_code == 0, result.output + result.stderr

    def labels(text: str) -> list[str]:
        return [line.split(":")[0] for line in text.splitlines() if line and line[0] != " "]

    assert labels(sample) == [*labels(result.output), "exit 0"]


def test_what_the_account_points_at_in_other_products_and_is_gone_is_dangling(
    run: Cli, engine: Engine
) -> None:
    """A default Messaging Service and an auto-creation Studio Flow deleted after they were
    named (Twilio keeps the SIDs), and an SMS address whose number the account does not have:
    each listed where it is, as plan's checks would find them."""
    client = engine.client
    sender = client.messaging.v1.services.create(friendly_name="sender")
    flow = client.studio.v2.flows.create(
        friendly_name="inbound", status="published", definition={"states": []}
    )
    client.conversations.v1.configuration().update(default_messaging_service_sid=sender.sid)
    client.conversations.v1.address_configurations.create(
        type="sms",
        address="+15017122661",
        auto_creation_enabled=True,
        auto_creation_type="studio",
        auto_creation_studio_flow_sid=flow.sid,
    )
    (foreign,) = doctor_json(run)["unknown"]
    assert foreign["key"] == "sms:+15017122661" and foreign["sid"].startswith("IG")
    assert (foreign["field"], foreign["problem"]) == ("address", "dangling_reference")
    assert "is not a phone number of this account" in foreign["message"]
    client.incoming_phone_numbers.create(phone_number="+15017122661")
    assert doctor_json(run)["unknown"] == []

    client.messaging.v1.services(sender.sid).delete()
    client.studio.v2.flows(flow.sid).delete()
    before = writes(engine.emulator.stats())
    found = {
        (item["kind"], item["field"], item["value"], item["problem"])
        for item in doctor_json(run)["unknown"]
    }
    assert found == {
        (
            "account_configuration",
            "default_messaging_service_sid",
            sender.sid,
            "dangling_reference",
        ),
        ("address_configuration", "auto_creation.studio_flow_sid", flow.sid, "dangling_reference"),
    }
    assert writes(engine.emulator.stats()) == before, "doctor is read-only"
