"""Roles of a service: identified by (service, friendly_name); only permissions are updatable."""

from __future__ import annotations

import sys
from typing import Any

from reconciler.config import rules
from reconciler.config.models import Config
from reconciler.kinds.access import Access, collection, conversations
from reconciler.kinds.base import Compare, Field, Identity, Kind, Resource, list_records

PAGE_SIZE = 50
BUILT_IN_ROLE_NAMES = frozenset({"channel admin", "channel user", "service admin", "service user"})
"""Roles Twilio creates with every service: managed by name, never created or pruned."""


def _shared(texts: Any) -> list[Any]:
    """One copy of each permission name and role type, however many roles repeat it (a large
    account has tens of thousands of roles, each listing about ten of the same names)."""
    return [sys.intern(text) if type(text) is str else text for text in texts or ()]


class RoleKind(Kind):
    name = "role"
    prune_name = "roles"
    parent = "service"
    writes_per_second_per_parent = rules.ROLE_ACTIONS_PER_SECOND_PER_SERVICE
    known_types = rules.ROLE_TYPES
    identity_fields = ("friendly_name",)
    fields = (
        Field("type", "Type", immutable=True),
        Field("permissions", "Permission", compare=Compare.SET),
    )
    access = Access(
        **collection("/v1/Services/{Sid}/Roles"),
        also_read=conversations("/v1/Services/{Sid}/Configuration", "GET"),
    )

    def desired(self, config: Config) -> list[Resource]:
        return [
            Resource(
                kind=self.name,
                identity=(service_key, role_name),
                values={"type": role.type, "permissions": list(role.permissions)},
                built_in=role_name in BUILT_IN_ROLE_NAMES,
                source=("services", service_key, "roles", role_name),
            )
            for service_key, service in config.services.items()
            for role_name, role in service.roles.items()
        ]

    def read(self, api: Any, parent_sid: str | None) -> list[Resource]:
        return [
            Resource(
                kind=self.name,
                identity=(str(parent_sid), record["friendly_name"]),
                values={
                    "type": _shared([record["type"]])[0],
                    "permissions": _shared(record.get("permissions")),
                },
                sid=record["sid"],
                parent_sid=parent_sid,
                built_in=record["friendly_name"] in BUILT_IN_ROLE_NAMES,
            )
            for record in list_records(api.services(parent_sid).roles, PAGE_SIZE)
        ]

    def create(
        self, api: Any, parent_sid: str | None, identity: Identity, params: dict[str, Any]
    ) -> str:
        arguments = self.sdk_arguments(params, creating=True)
        created = api.services(parent_sid).roles.create(friendly_name=identity[-1], **arguments)
        return str(created.sid)

    def update(
        self, api: Any, parent_sid: str | None, sid: str | None, params: dict[str, Any]
    ) -> None:
        api.services(parent_sid).roles(sid).update(**self.sdk_arguments(params))

    def delete(self, api: Any, parent_sid: str | None, sid: str) -> None:
        api.services(parent_sid).roles(sid).delete()
