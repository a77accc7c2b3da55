"""/v1/Services/{IS}/Configuration/Notifications: push notification settings and templates."""

from __future__ import annotations

from typing import Any

from reconciler.kinds.access import Access, conversations
from reconciler.kinds.base import Compare, Field
from reconciler.kinds.singleton import ServiceSingletonKind


def _event_fields(event: str, param: str) -> tuple[Field, ...]:
    return (
        Field(f"{event}.enabled", f"{param}.Enabled", compare=Compare.BOOL),
        Field(f"{event}.template", f"{param}.Template", compare=Compare.TEXT),
        Field(f"{event}.sound", f"{param}.Sound", compare=Compare.TEXT),
    )


class ServiceNotificationsKind(ServiceSingletonKind):
    name = "service_notifications"
    section = "notifications"
    access = Access(
        read=conversations("/v1/Services/{Sid}/Configuration/Notifications", "GET"),
        update=conversations("/v1/Services/{Sid}/Configuration/Notifications", "POST"),
    )
    fields = (
        Field("log_enabled", "LogEnabled", compare=Compare.BOOL),
        *_event_fields("new_message", "NewMessage"),
        Field(
            "new_message.badge_count_enabled", "NewMessage.BadgeCountEnabled", compare=Compare.BOOL
        ),
        Field(
            "new_message.with_media.enabled", "NewMessage.WithMedia.Enabled", compare=Compare.BOOL
        ),
        Field(
            "new_message.with_media.template", "NewMessage.WithMedia.Template", compare=Compare.TEXT
        ),
        *_event_fields("added_to_conversation", "AddedToConversation"),
        *_event_fields("removed_from_conversation", "RemovedFromConversation"),
    )

    def context(self, api: Any, parent_sid: str | None) -> Any:
        return api.services(parent_sid).configuration.notifications()
