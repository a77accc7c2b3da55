"""/v1/Services/{IS}/Configuration: a service's default roles and reachability."""

from __future__ import annotations

from typing import Any

from reconciler.kinds.access import Access, conversations
from reconciler.kinds.base import Compare, Field, Reference
from reconciler.kinds.singleton import ServiceSingletonKind


class ServiceConfigurationKind(ServiceSingletonKind):
    name = "service_configuration"
    section = "configuration"
    access = Access(
        read=conversations("/v1/Services/{Sid}/Configuration", "GET"),
        update=conversations("/v1/Services/{Sid}/Configuration", "POST"),
    )
    fields = (
        Field(
            "default_conversation_creator_role",
            "DefaultConversationCreatorRoleSid",
            response="default_conversation_creator_role_sid",
            reference=Reference.ROLE,
        ),
        Field(
            "default_conversation_role",
            "DefaultConversationRoleSid",
            response="default_conversation_role_sid",
            reference=Reference.ROLE,
        ),
        Field(
            "default_chat_service_role",
            "DefaultChatServiceRoleSid",
            response="default_chat_service_role_sid",
            reference=Reference.ROLE,
        ),
        Field("reachability_enabled", "ReachabilityEnabled", compare=Compare.BOOL),
    )

    def context(self, api: Any, parent_sid: str | None) -> Any:
        return api.services(parent_sid).configuration()
