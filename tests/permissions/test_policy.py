"""`reconciler permissions`: only what the configuration touches, per job, offline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reconciler.cli.main import cli
from reconciler.config import load_config
from reconciler.permissions.policy import policy
from reconciler.permissions.table import TABLE
from tests.engine.conftest import EXAMPLES, write_yaml

MG = "MG" + "1" * 32
FW = "FW" + "2" * 32
IS = "IS" + "3" * 32
SERVICE = {"version": 1, "services": {"chat": {"friendly_name": "Chat"}}}
WRITES = ("/create", "/update", "/delete")


def allowed(tmp_path: Path, document: dict[str, Any], job: str) -> list[str]:
    loaded = load_config([write_yaml(tmp_path, document)], environ={}, defer_secrets=True)
    return policy(loaded.config, job)["allow"]


def test_a_plan_reads_only_what_the_configuration_touches(tmp_path: Path) -> None:
    plan = allowed(tmp_path, SERVICE, "plan")
    assert plan == [
        "/twilio/conversations/configuration/read",
        "/twilio/conversations/services/list",
    ]
    assert not any(name.endswith(WRITES) for name in plan)


def test_credentials_only_when_configured_or_pruned(tmp_path: Path) -> None:
    assert not any("credentials" in name for name in allowed(tmp_path, SERVICE, "apply"))
    pruned = {**SERVICE, "policy": {"prune": ["credentials"]}}
    plan, apply = allowed(tmp_path, pruned, "plan"), allowed(tmp_path, pruned, "apply")
    assert "/twilio/conversations/credentials/list" in plan
    assert "/twilio/conversations/credentials/delete" in apply
    assert "/twilio/conversations/credentials/create" not in apply, "nothing to create"


def test_neighbour_reads_follow_the_values_that_name_them(tmp_path: Path) -> None:
    document = {
        **SERVICE,
        "account": {"configuration": {"default_messaging_service_sid": MG}},
        "address_configurations": [
            {"type": "sms", "address": "+15017122661"},
            {
                "type": "whatsapp",
                "address": "whatsapp:+15017122661",
                "auto_creation": {"enabled": True, "type": "studio", "studio_flow_sid": FW},
            },
        ],
    }
    plan = allowed(tmp_path, document, "plan")
    for name in (
        "/twilio/messaging/services/read",
        "/twilio/studio/flows/read",
        "/twilio/phone-numbers/active-numbers/list",
    ):
        assert name in plan
    whatsapp_only = {**document, "address_configurations": document["address_configurations"][1:]}
    assert "/twilio/phone-numbers/active-numbers/list" not in allowed(
        tmp_path, whatsapp_only, "plan"
    )
    assert not any("messaging" in name for name in allowed(tmp_path, SERVICE, "plan"))


@pytest.mark.parametrize(
    ("document", "counts"),
    [
        (SERVICE, False),
        ({**SERVICE, "policy": {"prune": ["services"]}}, True),
        ({"version": 1, "services": {"chat": {"friendly_name": "Chat", "sid": IS}}}, True),
    ],
    ids=["unpinned", "pruned", "pinned"],
)
def test_conversations_are_counted_where_a_service_may_go(
    tmp_path: Path, document: dict[str, Any], counts: bool
) -> None:
    plan = allowed(tmp_path, document, "plan")
    assert ("/twilio/conversations/services.conversations/list" in plan) is counts
    assert ("/twilio/conversations/services/delete" in allowed(tmp_path, document, "apply")) is (
        True
    ), "apply may delete its own twin of a service it creates"


def test_apply_is_plan_and_writes_and_export_reads_everything(tmp_path: Path) -> None:
    for example in ("minimal", "support-desk", "multi-service"):
        loaded = load_config([EXAMPLES / example], environ={}, defer_secrets=True)
        plan, apply = (
            policy(loaded.config, "plan")["allow"],
            policy(loaded.config, "apply")["allow"],
        )
        assert set(plan) < set(apply)
        assert all(name.endswith(WRITES) for name in set(apply) - set(plan))
        export = policy(loaded.config, "export")["allow"]
        assert not any(name.endswith(WRITES) for name in export)
        assert export == allowed(tmp_path, SERVICE, "export"), "export does not depend on it"


def test_the_command_prints_the_policy_and_explains_it(tmp_path: Path) -> None:
    path = str(write_yaml(tmp_path, SERVICE))
    runner = CliRunner()
    printed = runner.invoke(cli, ["permissions", path, "--for", "apply"])
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.stdout)["allow"] == allowed(tmp_path, SERVICE, "apply")
    text = runner.invoke(cli, ["permissions", path, "--format", "text"])
    assert text.exit_code == 0
    assert "/twilio/conversations/services/list" in text.stdout and "(assumed)" in text.stdout
    assert "service: read" in text.stdout
    broken = write_yaml(
        tmp_path, "version: 1\nservices:\n  chat:\n    friendly_nme: x\n", "broken.yaml"
    )
    refused = runner.invoke(cli, ["permissions", str(broken)])
    assert refused.exit_code == 1 and "broken.yaml:4" in refused.stderr


def test_the_assumed_names_are_exactly_the_conversations_rows() -> None:
    assumed = {row.resource for row in TABLE if row.assumed}
    assert assumed and all(name.startswith("/twilio/conversations/") for name in assumed)
    assert not any(
        row.resource.startswith("/twilio/conversations/") for row in TABLE if not row.assumed
    )
