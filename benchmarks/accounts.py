"""The generated accounts the benchmark measures (and the request-count tests scale down).

An account is `services` services with `roles` custom roles each (even ones conversation roles,
odd ones service roles, each with some of the documented permissions for its type), a service
configuration naming role-00 and role-01 as default roles, post-event webhooks, and
`addresses` SMS address configurations (+15550000000 upwards), each auto-creating webhook
conversations in one of the services.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from reconciler.config import rules


@dataclass(frozen=True)
class Shape:
    """How big a generated account is."""

    services: int
    roles: int
    addresses: int

    @property
    def label(self) -> str:
        return f"{self.services} x {self.roles} roles, {self.addresses} addresses"


def generate_config(shape: Shape) -> dict[str, Any]:
    """A valid config (version 1) for an account of this shape."""
    conversation_permissions = list(rules.CONVERSATION_PERMISSIONS)
    service_permissions = list(rules.SERVICE_PERMISSIONS)
    service_map: dict[str, Any] = {}
    for s in range(shape.services):
        role_map: dict[str, Any] = {}
        for r in range(shape.roles):
            role_type = "conversation" if r % 2 == 0 else "service"
            pool = conversation_permissions if role_type == "conversation" else service_permissions
            count = 2 + (s + r) % (len(pool) - 2)
            role_map[f"role-{r:02d}"] = {"type": role_type, "permissions": sorted(pool[:count])}
        configuration: dict[str, Any] = {"reachability_enabled": s % 2 == 0}
        if shape.roles >= 2:
            configuration["default_conversation_role"] = "role-00"
            configuration["default_chat_service_role"] = "role-01"
        service_map[f"svc-{s:03d}"] = {
            "friendly_name": f"Benchmark service {s:03d}",
            "roles": role_map,
            "configuration": configuration,
            "webhooks": {
                "method": "POST",
                "post_webhook_url": f"https://hooks.example.com/services/{s:03d}",
                "filters": ["onMessageAdded", "onConversationStateUpdated"],
            },
        }
    address_list = [
        {
            "type": "sms",
            "address": f"+1555{a:07d}",
            "friendly_name": f"Benchmark line {a:04d}",
            "auto_creation": {
                "enabled": True,
                "type": "webhook",
                "conversation_service": f"svc-{a % shape.services:03d}",
                "webhook_url": f"https://hooks.example.com/inbound/{a:04d}",
                "webhook_method": "POST",
                "webhook_filters": ["onMessageAdded"],
            },
        }
        for a in range(shape.addresses)
    ]
    return {"version": 1, "services": service_map, "address_configurations": address_list}


def write_config(shape: Shape, directory: Path) -> Path:
    """The config as one YAML file, written the way people write them (block style)."""
    path = directory / "conversations.yaml"
    path.write_text(yaml.safe_dump(generate_config(shape), sort_keys=False), encoding="utf-8")
    return path
