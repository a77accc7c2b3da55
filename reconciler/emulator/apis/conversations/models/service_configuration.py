"""Service configuration (/v1/Services/{IS}/Configuration): the service's default roles and
reachability. A default role must be a role of that service, of the right type."""

from __future__ import annotations

from typing import Any

from reconciler.emulator import catalog, errors, form
from reconciler.emulator.apis.conversations.models.state import AccountState
from reconciler.emulator.form import Params, invalid
from reconciler.emulator.records import View


class ServiceConfigurationModel(AccountState):
    def _new_service_configuration(self, sid: str, roles_by_name: dict[str, str]) -> None:
        """A new service's configuration, pointing at its built-in roles."""
        self.service_configurations[sid] = {
            key: roles_by_name[name] for key, name in catalog.BUILTIN_DEFAULTS.items()
        } | {"reachability_enabled": False}
        self._touch("service_configurations", sid)

    def get_service_configuration(self, sid: str, path: str) -> View:
        self._service(sid, path)
        return {"chat_service_sid": sid, **self.service_configurations[sid]}

    def update_service_configuration(self, sid: str, path: str, params: Params) -> View:
        self._service(sid, path)
        changes: dict[str, Any] = {}
        for param, key, role_type, missing in (
            (
                "DefaultConversationCreatorRoleSid",
                "default_conversation_creator_role_sid",
                "conversation",
                errors.CREATOR_ROLE_NOT_FOUND,
            ),
            (
                "DefaultConversationRoleSid",
                "default_conversation_role_sid",
                "conversation",
                errors.CONVERSATION_ROLE_NOT_FOUND,
            ),
            (
                "DefaultChatServiceRoleSid",
                "default_chat_service_role_sid",
                "service",
                errors.ROLE_NOT_FOUND,
            ),
        ):
            value = form.one(params, param)
            if value is None:
                continue
            form.sid(value, param, "RL")
            role = self.roles[sid].get(value)
            if role is None:
                raise invalid(
                    f"Invalid value for {param}: role {value} is not a role of service {sid}",
                    missing,
                )
            if role["type"] != role_type:
                raise invalid(
                    f"Invalid value for {param}: role {value} is a {role['type']} role, "
                    f"a {role_type} role is required",
                    errors.INVALID_ROLE_TYPE,
                )
            changes[key] = value
        reachability = form.boolean(params, "ReachabilityEnabled")
        if reachability is not None:
            changes["reachability_enabled"] = reachability
        self.service_configurations[sid].update(changes)
        self._touch("service_configurations", sid)
        return self.get_service_configuration(sid, path)
