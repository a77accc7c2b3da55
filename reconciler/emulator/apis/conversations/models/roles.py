"""Roles (/v1/Services/{IS}/Roles, and /v1/Roles for the default service's).

A role named by the service configuration as a default role cannot be deleted (409); built-in
roles that are not defaults can be deleted like any other. A role of a type the emulator does
not know (only a state file can hold one) takes any permissions on update.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from reconciler.emulator import catalog, errors, form
from reconciler.emulator.apis.conversations.models.state import AccountState
from reconciler.emulator.form import Params, conflict, invalid, not_found
from reconciler.emulator.records import Listing, View, new_sid


class RolesModel(AccountState):
    def _add_role(
        self, service_sid: str, name: str, role_type: str, permissions: list[str]
    ) -> dict[str, Any]:
        now = self.clock()
        role: dict[str, Any] = {
            "sid": new_sid("RL"),
            "chat_service_sid": service_sid,
            "friendly_name": name,
            "type": role_type,
            "permissions": permissions,
            "date_created": now,
            "date_updated": now,
            "seq": self._next_seq(),
        }
        self.roles[service_sid][role["sid"]] = role
        self._touch("roles", service_sid, role["sid"])
        return role

    def _role_view(self, role: Mapping[str, Any]) -> View:
        return {
            "sid": role["sid"],
            "account_sid": self.account_sid,
            "chat_service_sid": role["chat_service_sid"],
            "friendly_name": role["friendly_name"],
            "type": role["type"],
            "permissions": list(role["permissions"]),
            "date_created": role["date_created"],
            "date_updated": role["date_updated"],
        }

    def _role(self, service_sid: str, sid: str, path: str) -> dict[str, Any]:
        self._service(service_sid, path)
        role = self.roles[service_sid].get(sid)
        if role is None:
            raise not_found(path)
        return role

    def create_role(self, service_sid: str, path: str, params: Params) -> View:
        self._service(service_sid, path)
        name = form.friendly_name(params, "FriendlyName", catalog.MAX_ROLE_NAME, True)
        assert name is not None
        role_type = form.enum(
            form.required(params, "Type"),
            "Type",
            catalog.ROLE_TYPES,
            code=errors.INVALID_ROLE_TYPE,
        )
        permissions = _permissions(params, role_type)
        if any(r["friendly_name"] == name for r in self.roles[service_sid].values()):
            raise conflict(f"A role named {name!r} already exists in service {service_sid}")
        return self._role_view(self._add_role(service_sid, name, role_type, permissions))

    def get_role(self, service_sid: str, sid: str, path: str) -> View:
        return self._role_view(self._role(service_sid, sid, path))

    def list_roles(self, service_sid: str, path: str) -> Listing:
        self._service(service_sid, path)
        return [(r["seq"], partial(self._role_view, r)) for r in self.roles[service_sid].values()]

    def update_role(self, service_sid: str, sid: str, path: str, params: Params) -> View:
        role = self._role(service_sid, sid, path)
        role["permissions"] = _permissions(params, role["type"])
        role["date_updated"] = self.clock()
        self._touch("roles", service_sid, sid)
        return self._role_view(role)

    def delete_role(self, service_sid: str, sid: str, path: str) -> None:
        self._role(service_sid, sid, path)
        config = self.service_configurations[service_sid]
        uses = [key for key in catalog.BUILTIN_DEFAULTS if config.get(key) == sid]
        if uses:
            raise conflict(
                f"Role {sid} is the service's {', '.join(uses)}; point the service "
                "configuration at another role before deleting it"
            )
        del self.roles[service_sid][sid]
        self._touch("roles", service_sid, sid)


def _permissions(params: Params, role_type: str) -> list[str]:
    values = [v for v in params.get("Permission", []) if v != ""]
    if not values:
        raise invalid("Missing required parameter Permission in the post body")
    # A role type the emulator does not know (held from another year: the API refuses to
    # create one) has no list to check against: its permissions are kept as given.
    allowed = catalog.PERMISSIONS_BY_ROLE_TYPE.get(role_type)
    result: list[str] = []
    for value in values:
        if allowed is not None and value not in allowed:
            raise invalid(
                f"Invalid value for Permission: {value!r} is not valid for a {role_type} role",
                errors.PERMISSION_NOT_FOUND,
            )
        if value not in result:
            result.append(value)
    return result
