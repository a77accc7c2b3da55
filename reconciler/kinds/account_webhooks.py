"""/v1/Configuration/Webhooks: the account's pre- and post-event webhooks."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from reconciler.config.models import Config
from reconciler.kinds.access import Access, conversations
from reconciler.kinds.base import CLEAR_LIST, Compare, Field, Identity
from reconciler.kinds.singleton import ACCOUNT, SingletonKind


class AccountWebhooksKind(SingletonKind):
    name = "account_webhooks"
    access = Access(
        read=conversations("/v1/Configuration/Webhooks", "GET"),
        update=conversations("/v1/Configuration/Webhooks", "POST"),
    )
    fields = (
        Field("target", "Target"),
        Field("method", "Method", compare=Compare.UPPER),
        Field("pre_webhook_url", "PreWebhookUrl", compare=Compare.TEXT),
        Field("post_webhook_url", "PostWebhookUrl", compare=Compare.TEXT),
        Field("filters", "Filters", compare=Compare.SET, clear_value=CLEAR_LIST),
    )

    def context(self, api: Any, parent_sid: str | None) -> Any:
        return api.configuration.webhooks()

    def settings(self, config: Config) -> list[tuple[Identity, BaseModel | None, tuple[str, ...]]]:
        account = config.account
        return [(ACCOUNT, account.webhooks if account else None, ("account", "webhooks"))]
