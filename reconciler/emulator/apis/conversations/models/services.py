"""Conversation services (/v1/Services): a new one comes with its built-in roles,
configuration, notifications and webhooks.

The default service (``/v1/Configuration.default_chat_service_sid``) cannot be deleted;
repoint the default first. Deleting a service removes its roles, configuration, notifications,
webhooks and conversations. Address configurations that auto-create into it are left
untouched, pointing at the deleted service: Twilio does not cascade across resources, which is
exactly the drift the reconciler exists to report.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from reconciler.emulator import catalog, form
from reconciler.emulator.apis.conversations.models.notifications import NotificationsModel
from reconciler.emulator.apis.conversations.models.roles import RolesModel
from reconciler.emulator.apis.conversations.models.service_configuration import (
    ServiceConfigurationModel,
)
from reconciler.emulator.apis.conversations.models.service_webhooks import ServiceWebhooksModel
from reconciler.emulator.form import Params, conflict
from reconciler.emulator.records import Listing, View, new_sid


class ServicesModel(
    RolesModel, ServiceConfigurationModel, NotificationsModel, ServiceWebhooksModel
):
    def _create_service(self, friendly_name: str) -> dict[str, Any]:
        now = self.clock()
        sid = new_sid("IS")
        service = {
            "sid": sid,
            "friendly_name": friendly_name,
            "date_created": now,
            "date_updated": now,
            "seq": self._next_seq(),
        }
        self.services[sid] = service
        self.roles[sid] = {}
        self._touch("services", sid)
        self._touch("roles", sid)
        by_name: dict[str, str] = {}
        for name, role_type, permissions in catalog.BUILTIN_ROLES:
            role = self._add_role(sid, name, role_type, list(permissions))
            by_name[name] = role["sid"]
        self._new_service_configuration(sid, by_name)
        self._new_notifications(sid)
        self._new_service_webhooks(sid)
        return service

    def _service_view(self, service: Mapping[str, Any]) -> View:
        return {
            "account_sid": self.account_sid,
            "sid": service["sid"],
            "friendly_name": service["friendly_name"],
            "date_created": service["date_created"],
            "date_updated": service["date_updated"],
        }

    def create_service(self, params: Params) -> View:
        name = form.friendly_name(params, "FriendlyName", catalog.MAX_SERVICE_NAME, True)
        assert name is not None
        return self._service_view(self._create_service(name))

    def get_service(self, sid: str, path: str) -> View:
        return self._service_view(self._service(sid, path))

    def list_services(self) -> Listing:
        return [(s["seq"], partial(self._service_view, s)) for s in self.services.values()]

    def delete_service(self, sid: str, path: str) -> None:
        self._service(sid, path)
        if sid == self.configuration["default_chat_service_sid"]:
            raise conflict(
                f"Service {sid} is the account's default conversation service and cannot be "
                "deleted; set another DefaultChatServiceSid on /v1/Configuration first"
            )
        for collection in (
            "services",
            "roles",
            "service_configurations",
            "notifications",
            "service_webhooks",
        ):
            del getattr(self, collection)[sid]
            self._touch(collection, sid)
        if self.conversations.pop(sid, None) is not None:
            self._touch("conversations", sid)
