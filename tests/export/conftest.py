"""Accounts built with raw SDK calls, a CLI runner aimed at an emulator, and an SID-free view.

The view (`account_view`) reads every property the SDK returns for every resource, without the
kinds layer, and replaces SIDs with the names of what they point at: two accounts with equal
views hold equal configurations, whatever their SIDs. It is the independent check that export
and apply did not lose a field.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from twilio.rest import Client

from reconciler.cli.main import cli
from reconciler.emulator import defaults
from reconciler.emulator.server import EmulatorServer
from tests.conftest import client_for, running_emulator
from tests.engine.conftest import assert_no_secret_shown

CREDENTIAL_ENV = {
    "TWILIO_ACCOUNT_SID": defaults.ACCOUNT_SID,
    "TWILIO_AUTH_TOKEN": defaults.AUTH_TOKEN,
}
SECRETS = {
    "IOS_PUSH_PROD_CERTIFICATE": "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----",
    "IOS_PUSH_PROD_PRIVATE_KEY": "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----",
    "ANDROID_SECRET": "fcm-server-key",
    "LEGACY_GCM_API_KEY": "gcm-api-key",
}
NOISE = {
    "sid",
    "account_sid",
    "chat_service_sid",
    "service_sid",
    "url",
    "links",
    "date_created",
    "date_updated",
}
"""Properties that differ between two accounts holding the same configuration."""

# Names chosen to break naive YAML writers: colons, quotes, unicode, YAML keywords, digits.
SUPPORT = "Support: Tier 1 / ünïcode ✓"
SALES = "Sales 'desk'"
KEYWORD_SERVICE = "null"
NUMERIC_SERVICE = "123"
AGENT = "agent: L1"
SUPERVISOR = "supervisor ✓ #1"
TEMPLATE = "${PARTICIPANT}: ${MESSAGE}"
DOLLAR_SERVICE = "Promo ${YEAR} #2"
ON_CALL = "on-call ${TEAM}"


@dataclass
class Cli:
    """Runs `reconciler` in-process against one emulator with valid credentials."""

    emulator: EmulatorServer
    folder: Path

    def __call__(self, *args: str, env: Mapping[str, str | None] | None = None) -> Result:
        runner = CliRunner()
        environment = {**CREDENTIAL_ENV, "RECONCILER_ENDPOINT": self.emulator.url, **(env or {})}
        result = runner.invoke(cli, list(args), env=environment, catch_exceptions=False)
        assert_no_secret_shown(environment, result)
        return result

    def export(self, name: str = "exported.yaml") -> Path:
        path = self.folder / name
        result = self("export", "--out", str(path))
        assert result.exit_code == 0, result.output
        return path


@pytest.fixture
def run(emulator: EmulatorServer, tmp_path: Path) -> Cli:
    """The CLI aimed at the `emulator` fixture, writing files under tmp_path."""
    return Cli(emulator, tmp_path)


@pytest.fixture
def fresh_emulator() -> Iterator[EmulatorServer]:
    """A second, untouched account: where an export is applied to recreate the first."""
    with running_emulator() as server:
        yield server


@pytest.fixture
def fresh_client(fresh_emulator: EmulatorServer) -> Iterator[Client]:
    with client_for(fresh_emulator) as client:
        yield client


def uncomment_secrets(text: str) -> str:
    """What a user does after exporting: turn the commented secret lines into real ones."""
    lines = []
    for line in text.splitlines(keepends=True):
        stripped = line.lstrip(" ")
        if stripped.startswith("# ") and ": ${" in stripped and "write-only" in stripped:
            indent = line[: len(line) - len(stripped)]
            line = indent + stripped[2:].split("  # ", 1)[0].rstrip() + "\n"
        lines.append(line)
    return "".join(lines)


def build_rich_account(client: Client, credentials: bool = True) -> dict[str, str]:
    """Every kind, odd names, templates, studio and webhook auto-creation, both role types,
    credentials, and a default service that is not the original one. What it points at in
    other products exists: a Messaging Service, a published Studio Flow, the SMS number.
    Returns name -> SID."""
    v1 = client.conversations.v1
    sender = client.messaging.v1.services.create(friendly_name="Support sender")
    flow = client.studio.v2.flows.create(
        friendly_name="Inbound sales", status="published", definition={"states": []}
    )
    client.api.v2010.account.incoming_phone_numbers.create(phone_number="+15017122661")
    support = v1.services.create(friendly_name=SUPPORT)
    sales = v1.services.create(friendly_name=SALES)
    v1.services.create(friendly_name=KEYWORD_SERVICE)
    v1.services.create(friendly_name=NUMERIC_SERVICE)
    v1.services.create(friendly_name=DOLLAR_SERVICE)

    roles = v1.services(support.sid).roles
    agent = roles.create(
        friendly_name=AGENT, type="conversation", permission=["sendMessage", "leaveConversation"]
    )
    supervisor = roles.create(
        friendly_name=SUPERVISOR,
        type="service",
        permission=["joinConversation", "addParticipant", "createConversation"],
    )
    v1.services(sales.sid).roles.create(
        friendly_name=ON_CALL, type="conversation", permission=["sendMessage"]
    )
    builtin = {role.friendly_name: role for role in roles.list()}
    roles(builtin["channel user"].sid).update(permission=["sendMessage", "sendMediaMessage"])

    v1.services(support.sid).configuration().update(
        default_conversation_role_sid=agent.sid,
        default_chat_service_role_sid=supervisor.sid,
        reachability_enabled=True,
    )
    v1.services(support.sid).configuration.notifications().update(
        log_enabled=True,
        new_message_enabled=True,
        new_message_template=TEMPLATE,
        new_message_sound="ding.wav",
        new_message_badge_count_enabled=True,
        new_message_with_media_enabled=True,
        new_message_with_media_template="${PARTICIPANT} sent ${MEDIA_COUNT} file(s)",
        added_to_conversation_enabled=True,
        added_to_conversation_template="Welcome to ${CONVERSATION}\nsecond line: $${LITERAL}",
        removed_from_conversation_template="Bye",
    )
    v1.services(support.sid).configuration.webhooks().update(
        method="GET",
        pre_webhook_url="https://hooks.example.com/pre?x=${y}",
        post_webhook_url="https://hooks.example.com/post",
        filters=["onMessageAdd", "onMessageAdded", "onConversationStateUpdated"],
    )
    v1.services(sales.sid).configuration.webhooks().update(
        post_webhook_url="https://hooks.example.com/sales", filters=["onMessageAdded"]
    )

    v1.configuration().update(
        default_chat_service_sid=sales.sid,
        default_messaging_service_sid=sender.sid,
        default_inactive_timer="PT1H",
        default_closed_timer="P1D",
    )
    v1.configuration.webhooks().update(
        target="webhook",
        method="POST",
        post_webhook_url="https://hooks.example.com/account",
        filters=["onMessageAdded", "onUserAdded"],
    )

    v1.address_configurations.create(
        type="sms",
        address="+15017122661",
        friendly_name="Support line: 24/7 ☎",
        auto_creation_enabled=True,
        auto_creation_type="webhook",
        auto_creation_conversation_service_sid=support.sid,
        auto_creation_webhook_url="https://hooks.example.com/inbound",
        auto_creation_webhook_method="POST",
        auto_creation_webhook_filters=["onMessageAdded", "onParticipantAdded"],
    )
    v1.address_configurations.create(
        type="whatsapp",
        address="whatsapp:+15017122662",
        auto_creation_enabled=True,
        auto_creation_type="studio",
        auto_creation_conversation_service_sid=sales.sid,
        auto_creation_studio_flow_sid=flow.sid,
        auto_creation_studio_retry_count=2,
    )
    v1.address_configurations.create(
        type="messenger", address="messenger:101234567890123", auto_creation_enabled=False
    )

    if credentials:
        v1.credentials.create(
            type="apn",
            friendly_name="ios push: prod",
            certificate=SECRETS["IOS_PUSH_PROD_CERTIFICATE"],
            private_key=SECRETS["IOS_PUSH_PROD_PRIVATE_KEY"],
            sandbox=True,
        )
        v1.credentials.create(type="fcm", friendly_name="android", secret=SECRETS["ANDROID_SECRET"])
        v1.credentials.create(
            type="gcm", friendly_name="legacy gcm", api_key=SECRETS["LEGACY_GCM_API_KEY"]
        )
    return {
        "support": support.sid,
        "sales": sales.sid,
        "agent": agent.sid,
        "messaging_service": sender.sid,
        "studio_flow": flow.sid,
    }


def _properties(instance: Any) -> dict[str, Any]:
    """The response properties the SDK set on an instance (its public attributes)."""
    return {name: value for name, value in vars(instance).items() if not name.startswith("_")}


def account_view(client: Client) -> dict[str, Any]:
    """Every property of every resource, SIDs replaced by what they name; no kinds layer."""
    v1 = client.conversations.v1
    names: dict[str, str] = {}
    services = v1.services.list()
    view: dict[str, Any] = {"services": {}}
    raw_services: dict[str, dict[str, Any]] = {}
    for service in services:
        names[service.sid] = f"service:{service.friendly_name}"
        roles = v1.services(service.sid).roles.list()
        for role in roles:
            names[role.sid] = f"role:{service.friendly_name}/{role.friendly_name}"
        raw_services[service.friendly_name] = {
            "service": _properties(service),
            "roles": {role.friendly_name: _properties(role) for role in roles},
            "configuration": _properties(v1.services(service.sid).configuration().fetch()),
            "notifications": _properties(
                v1.services(service.sid).configuration.notifications().fetch()
            ),
            "webhooks": _properties(v1.services(service.sid).configuration.webhooks().fetch()),
        }
    raw: dict[str, Any] = {
        "services": raw_services,
        "configuration": _properties(v1.configuration().fetch()),
        "webhooks": _properties(v1.configuration.webhooks().fetch()),
        "addresses": {
            f"{item.type}/{item.address}": _properties(item)
            for item in v1.address_configurations.list()
        },
        "credentials": {item.friendly_name: _properties(item) for item in v1.credentials.list()},
    }
    view = _scrub(raw, names)
    return view


def _scrub(value: Any, names: Mapping[str, str]) -> Any:
    if isinstance(value, Mapping):
        return {key: _scrub(item, names) for key, item in value.items() if key not in NOISE}
    if isinstance(value, list):
        items = [_scrub(item, names) for item in value]
        # Permissions and filters are sets to Twilio's semantics (and to plan): order is noise.
        return sorted(items) if all(isinstance(item, str) for item in items) else items
    if isinstance(value, str):
        return names.get(value, value)
    return value
