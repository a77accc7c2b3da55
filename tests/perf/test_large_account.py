"""A large account exports to one file that validate and plan read back (issue 11, item 5).

An export writes every value of every resource into one file; the loader's alias cap once
counted all of them, so an export of a large account was refused as an "alias bomb" by the
very tools that should read it. The cap now bounds what aliases add, and an alias bomb is
still refused.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import yaml

from reconciler.config import rules
from reconciler.config.yaml_loader import MAX_ALIAS_VALUES
from tests.perf.conftest import Account

SERVICES, ROLES_PER_SERVICE, ADDRESSES = 24, 50, 500


def _build(account: Account) -> int:
    """Create the account with raw SDK calls, 16 at a time; returns the resources made."""
    v1 = account.client.conversations.v1
    permissions = sorted(rules.SERVICE_PERMISSIONS)

    def service(index: int) -> Any:
        return v1.services.create(friendly_name=f"Large {index:02d}")

    def role(target: tuple[Any, int]) -> Any:
        parent, index = target
        return v1.services(parent.sid).roles.create(
            friendly_name=f"role {index:02d}",
            type="service",
            permission=permissions[: 1 + (index % len(permissions))],
        )

    def address(index: int) -> Any:
        return v1.address_configurations.create(
            type="sms",
            address=f"+1555{index:07d}",
            friendly_name=f"Line {index}",
            auto_creation_enabled=True,
            auto_creation_type="webhook",
            auto_creation_conversation_service_sid=services[index % SERVICES].sid,
            auto_creation_webhook_url=f"https://hooks.example.com/{index}",
            auto_creation_webhook_method="POST",
            auto_creation_webhook_filters=["onMessageAdded"],
        )

    with ThreadPoolExecutor(max_workers=16) as pool:
        services = list(pool.map(service, range(SERVICES)))
        list(pool.map(role, [(s, r) for s in services for r in range(ROLES_PER_SERVICE)]))
        list(pool.map(address, range(ADDRESSES)))
    return SERVICES * (1 + ROLES_PER_SERVICE) + ADDRESSES


def test_a_large_account_exports_to_one_file_that_validates_and_plans_clean(
    account: Account,
) -> None:
    made = _build(account)
    assert made > 1_500
    exported = account.folder / "exported.yaml"

    result = account.cli("export", "--out", str(exported))
    assert result.exit_code == 0, result.output

    data = yaml.safe_load(exported.read_text(encoding="utf-8"))
    assert len(data["services"]) == SERVICES + 1  # and the account's default service
    roles = sum(len(service.get("roles", {})) for service in data["services"].values())
    assert roles >= SERVICES * ROLES_PER_SERVICE
    assert len(data["address_configurations"]) == ADDRESSES

    validated = account.cli("validate", str(exported))
    assert validated.exit_code == 0, validated.output

    account.server.reset_stats()
    planned = account.cli("plan", str(exported), "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output
    stats = account.server.stats()
    assert stats["by_method"].get("POST", 0) == stats["by_method"].get("DELETE", 0) == 0
    # An export manages every part: per service two role pages (54 roles), configuration,
    # notifications and webhooks; then a handful of account-level lists and 10 address pages.
    assert stats["by_method"]["GET"] <= 5 * (SERVICES + 1) + 4 + ADDRESSES // 50


def test_an_alias_bomb_is_still_refused(account: Account) -> None:
    lines = ["version: 1", "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, 10):
        lines.append(f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * 9)}]")
    bomb = account.folder / "bomb.yaml"
    bomb.write_text("\n".join(lines) + "\n", encoding="utf-8")

    for command in ("validate", "plan"):
        result = account.cli(command, str(bomb))
        assert result.exit_code == 1
        assert (
            f"bomb.yaml:1: YAML aliases expand to more than {MAX_ALIAS_VALUES} values "
            "(an alias bomb?); refusing to load this file"
        ) in result.output
