"""Account webhooks (/v1/Configuration/Webhooks), and the webhook settings that service
webhooks share with them (method, filters, pre/post URLs)."""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from reconciler.emulator import catalog, errors, form
from reconciler.emulator.apis.conversations.models.state import AccountState
from reconciler.emulator.form import Params
from reconciler.emulator.records import View


class WebhooksModel(AccountState):
    def get_webhooks(self) -> View:
        return {"account_sid": self.account_sid, **deepcopy(self.webhooks)}

    def update_webhooks(self, params: Params) -> View:
        changes = webhook_changes(params, catalog.ACCOUNT_WEBHOOK_FILTERS)
        target = form.one(params, "Target")
        if target is not None:
            changes["target"] = form.enum(target, "Target", catalog.WEBHOOK_TARGETS)
        self.webhooks.update(changes)
        self._touch("webhooks")
        return self.get_webhooks()


def webhook_changes(params: Params, allowed_filters: frozenset[str]) -> dict[str, Any]:
    """The settings a webhook update names; `allowed_filters` are the events of its scope."""
    changes: dict[str, Any] = {}
    method = form.one(params, "Method")
    if method is not None:
        changes["method"] = form.enum(
            method, "Method", catalog.WEBHOOK_METHODS, fold=True, code=errors.INVALID_WEBHOOK_METHOD
        )
    filters = form.filters(params, "Filters", allowed_filters)
    if filters is not None:
        changes["filters"] = filters
    for param, key in (
        ("PreWebhookUrl", "pre_webhook_url"),
        ("PostWebhookUrl", "post_webhook_url"),
    ):
        value = form.one(params, param)
        if value is not None:
            changes[key] = form.url(value, param)
    return changes
