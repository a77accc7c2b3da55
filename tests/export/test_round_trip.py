"""Export round trips: export, validate, plan clean; apply to a fresh account; stable output."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path

from twilio.rest import Client

from reconciler.config import load_config
from reconciler.emulator.server import EmulatorServer
from tests.export.conftest import (
    AGENT,
    DOLLAR_SERVICE,
    KEYWORD_SERVICE,
    NUMERIC_SERVICE,
    ON_CALL,
    SALES,
    SECRETS,
    SUPERVISOR,
    SUPPORT,
    TEMPLATE,
    Cli,
    account_view,
    build_rich_account,
    uncomment_secrets,
)


def plan_exit(run: Cli, path: Path, env: Mapping[str, str | None] | None = None) -> int:
    result = run("plan", str(path), "--detailed-exitcode", env=env)
    assert result.exit_code in (0, 2), result.output
    return result.exit_code


def _swap(text: str, sids: dict[str, str]) -> str:
    for old, new in sids.items():
        text = text.replace(old, new)
    return text


def filled_in(path: Path) -> Path:
    """The export with its secret lines uncommented, as a user would commit it."""
    target = path.with_name("filled.yaml")
    target.write_text(uncomment_secrets(path.read_text(encoding="utf-8")), encoding="utf-8")
    return target


def test_export_without_credentials_validates_and_plans_clean(run: Cli, sdk_client: Client) -> None:
    build_rich_account(sdk_client, credentials=False)
    path = run.export()
    validated = run("validate", str(path))
    assert validated.exit_code == 0, validated.output
    assert plan_exit(run, path) == 0, run("plan", str(path)).output


def test_export_with_credentials_validates_and_plans_clean_as_written(
    run: Cli, sdk_client: Client
) -> None:
    build_rich_account(sdk_client)
    path = run.export()
    validated = run("validate", str(path))
    assert validated.exit_code == 0, validated.output
    assert plan_exit(run, path) == 0, run("plan", str(path)).output


def test_export_with_credentials_plans_clean_once_secret_lines_are_filled(
    run: Cli, sdk_client: Client
) -> None:
    build_rich_account(sdk_client)
    path = filled_in(run.export())
    assert run("validate", str(path), env=SECRETS).exit_code == 0
    assert plan_exit(run, path, env=SECRETS) == 0, run("plan", str(path), env=SECRETS).output


def test_two_exports_of_one_account_are_byte_identical(run: Cli, sdk_client: Client) -> None:
    build_rich_account(sdk_client)
    first = run("export")
    second = run("export")
    assert first.exit_code == second.exit_code == 0
    assert first.stdout == second.stdout
    assert run.export().read_text(encoding="utf-8") == first.stdout, "--out writes stdout's text"


def test_apply_to_fresh_account_recreates_an_equal_configuration(
    run: Cli,
    sdk_client: Client,
    fresh_emulator: EmulatorServer,
    fresh_client: Client,
) -> None:
    built = build_rich_account(sdk_client)
    path = filled_in(run.export())
    # The other account has a Messaging Service and a Studio Flow of its own (plan refuses SIDs
    # that name nothing there): point the configuration at them, as a user adopting it would.
    theirs = {
        built["messaging_service"]: str(
            fresh_client.messaging.v1.services.create(friendly_name="s").sid
        ),
        built["studio_flow"]: str(
            fresh_client.studio.v2.flows.create(
                friendly_name="f", status="published", definition={"states": []}
            ).sid
        ),
    }
    path.write_text(_swap(path.read_text("utf-8"), theirs), "utf-8")
    fresh = Cli(fresh_emulator, run.folder)
    applied = fresh("apply", str(path), "--auto-approve", env=SECRETS)
    assert applied.exit_code == 0, applied.output
    assert plan_exit(fresh, path, env=SECRETS) == 0

    ours = {fresh_sid: sid for sid, fresh_sid in theirs.items()}
    assert json.loads(_swap(json.dumps(account_view(fresh_client)), ours)) == account_view(
        sdk_client
    )
    assert _swap(fresh("export").stdout, ours) == run("export").stdout
    secrets = [item["secret_digests"] for item in fresh_emulator.snapshot()["credentials"]]
    assert all(secrets), "apply sent every write-only secret from the filled-in lines"


def test_names_come_back_exactly_and_templates_stay_literal(run: Cli, sdk_client: Client) -> None:
    build_rich_account(sdk_client)
    text = run("export").stdout
    assert "$${PARTICIPANT}: $${MESSAGE}" in text
    assert "$$${LITERAL}" in text, "a template's own $${ survives the escape"
    config = load_config([filled_in(run.export())], environ=SECRETS).config

    by_name = {service.friendly_name or key: service for key, service in config.services.items()}
    assert set(by_name) == {
        SUPPORT,
        SALES,
        KEYWORD_SERVICE,
        NUMERIC_SERVICE,
        DOLLAR_SERVICE,
        "Default Conversations Service",
    }
    assert ON_CALL in by_name[SALES].roles, "a role name (a key) is never expanded or escaped"
    support = by_name[SUPPORT]
    assert {AGENT, SUPERVISOR, "channel user"} <= set(support.roles)
    assert support.roles[AGENT].type == "conversation"
    assert support.roles[SUPERVISOR].type == "service"
    assert support.configuration is not None
    assert support.configuration.default_conversation_role == AGENT
    assert support.configuration.default_chat_service_role == SUPERVISOR
    assert support.notifications is not None and support.notifications.new_message is not None
    assert support.notifications.new_message.template == TEMPLATE
    added = support.notifications.added_to_conversation
    assert added is not None
    assert added.template == "Welcome to ${CONVERSATION}\nsecond line: $${LITERAL}"

    assert config.account is not None and config.account.configuration is not None
    default_key = config.account.configuration.default_service
    assert default_key is not None and config.services[default_key].friendly_name == SALES
    references = {
        item.address: item.auto_creation.conversation_service
        for item in config.address_configurations
        if item.auto_creation is not None
    }
    support_key = next(key for key, s in config.services.items() if s is support)
    assert references["+15017122661"] == support_key
    assert not re.search(r"\b(IS|RL)[0-9a-f]{32}\b", text), "names, not SIDs, in references"


def test_services_sharing_a_name_are_pinned_and_plan_clean(run: Cli, sdk_client: Client) -> None:
    v1 = sdk_client.conversations.v1
    first = v1.services.create(friendly_name="Twin")
    second = v1.services.create(friendly_name="Twin")
    path = run.export()
    config = load_config([path]).config
    pinned = {service.sid for service in config.services.values() if service.sid}
    assert pinned == {first.sid, second.sid}
    assert "NOTE: services." in path.read_text(encoding="utf-8")
    assert plan_exit(run, path) == 0
