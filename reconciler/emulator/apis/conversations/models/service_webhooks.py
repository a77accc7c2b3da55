"""Service webhooks (/v1/Services/{IS}/Configuration/Webhooks): the account webhooks' settings
without a target, with the service scope's events."""

from __future__ import annotations

from reconciler.emulator import catalog
from reconciler.emulator.apis.conversations.models.state import AccountState
from reconciler.emulator.apis.conversations.models.webhooks import webhook_changes
from reconciler.emulator.form import Params
from reconciler.emulator.records import View


class ServiceWebhooksModel(AccountState):
    def _new_service_webhooks(self, sid: str) -> None:
        """A new service's webhooks: POST, no filters, no URLs."""
        self.service_webhooks[sid] = {
            "pre_webhook_url": None,
            "post_webhook_url": None,
            "filters": [],
            "method": "POST",
        }
        self._touch("service_webhooks", sid)

    def get_service_webhooks(self, sid: str, path: str) -> View:
        return self._service_settings(self.service_webhooks, sid, path)

    def update_service_webhooks(self, sid: str, path: str, params: Params) -> View:
        self._service(sid, path)
        changes = webhook_changes(params, catalog.SERVICE_WEBHOOK_FILTERS)
        self.service_webhooks[sid].update(changes)
        self._touch("service_webhooks", sid)
        return self.get_service_webhooks(sid, path)
