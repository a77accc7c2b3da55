"""/v1/Configuration: the account's default service, messaging service and timers."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from reconciler.config.models import Config
from reconciler.kinds.access import MESSAGING_SERVICE_FETCH, Access, Check, conversations
from reconciler.kinds.base import Compare, Field, Identity, Product, Reference
from reconciler.kinds.singleton import ACCOUNT, SingletonKind


class AccountConfigurationKind(SingletonKind):
    name = "account_configuration"
    access = Access(
        read=conversations("/v1/Configuration", "GET"),
        always_read=True,
        update=conversations("/v1/Configuration", "POST"),
        checks=(Check((MESSAGING_SERVICE_FETCH,), field="default_messaging_service_sid"),),
    )
    fields = (
        Field(
            "default_service",
            "DefaultChatServiceSid",
            response="default_chat_service_sid",
            reference=Reference.SERVICE,
        ),
        Field(
            "default_messaging_service_sid",
            "DefaultMessagingServiceSid",
            compare=Compare.TEXT,
            product=Product.MESSAGING_SERVICE,
        ),
        Field("default_inactive_timer", "DefaultInactiveTimer", compare=Compare.TEXT),
        Field("default_closed_timer", "DefaultClosedTimer", compare=Compare.TEXT),
    )

    def context(self, api: Any, parent_sid: str | None) -> Any:
        return api.configuration()

    def settings(self, config: Config) -> list[tuple[Identity, BaseModel | None, tuple[str, ...]]]:
        account = config.account
        return [(ACCOUNT, account.configuration if account else None, ("account", "configuration"))]
