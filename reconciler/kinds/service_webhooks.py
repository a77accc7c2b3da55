"""/v1/Services/{IS}/Configuration/Webhooks: a service's pre- and post-event webhooks."""

from __future__ import annotations

from typing import Any

from reconciler.kinds.access import Access, conversations
from reconciler.kinds.base import CLEAR_LIST, Compare, Field
from reconciler.kinds.singleton import ServiceSingletonKind


class ServiceWebhooksKind(ServiceSingletonKind):
    name = "service_webhooks"
    section = "webhooks"
    access = Access(
        read=conversations("/v1/Services/{Sid}/Configuration/Webhooks", "GET"),
        update=conversations("/v1/Services/{Sid}/Configuration/Webhooks", "POST"),
    )
    fields = (
        Field("method", "Method", compare=Compare.UPPER),
        Field("pre_webhook_url", "PreWebhookUrl", compare=Compare.TEXT),
        Field("post_webhook_url", "PostWebhookUrl", compare=Compare.TEXT),
        Field("filters", "Filters", compare=Compare.SET, clear_value=CLEAR_LIST),
    )

    def context(self, api: Any, parent_sid: str | None) -> Any:
        return api.services(parent_sid).configuration.webhooks()
