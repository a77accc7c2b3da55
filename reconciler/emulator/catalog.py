"""Twilio Conversations facts the emulator enforces: enums, permissions, filters, limits.

Kept apart from the models so the values can be read (and reused by offline validation)
without pulling in any state. Sources: the Conversations v1 OpenAPI description and the
Conversations reference pages in ../shared/reference.
"""

from __future__ import annotations

from typing import Final

# Enums from the OpenAPI description.
ADDRESS_TYPES: Final = ("sms", "whatsapp", "messenger", "gbm", "email", "rcs", "apple", "chat")
AUTO_CREATION_TYPES: Final = ("webhook", "studio", "default")
WEBHOOK_METHODS: Final = ("GET", "POST")
WEBHOOK_TARGETS: Final = ("webhook", "flex")
CREDENTIAL_TYPES: Final = ("apn", "gcm", "fcm")
ROLE_TYPES: Final = ("conversation", "service")

# Role permissions valid for each role type (Role resource, "Permission Values").
SERVICE_PERMISSIONS: Final = frozenset(
    {
        "addParticipant",
        "createConversation",
        "deleteAnyMessage",
        "deleteConversation",
        "editAnyMessage",
        "editAnyMessageAttributes",
        "editAnyUserInfo",
        "editConversationAttributes",
        "editConversationName",
        "editOwnMessage",
        "editOwnMessageAttributes",
        "editOwnUserInfo",
        "joinConversation",
        "removeParticipant",
    }
)
CONVERSATION_PERMISSIONS: Final = frozenset(
    {
        "addParticipant",
        "deleteAnyMessage",
        "deleteOwnMessage",
        "deleteConversation",
        "editAnyMessage",
        "editAnyMessageAttributes",
        "editAnyUserInfo",
        "editConversationAttributes",
        "editConversationName",
        "editOwnMessage",
        "editOwnMessageAttributes",
        "editOwnUserInfo",
        "leaveConversation",
        "removeParticipant",
        "sendMediaMessage",
        "sendMessage",
    }
)
PERMISSIONS_BY_ROLE_TYPE: Final = {
    "service": SERVICE_PERMISSIONS,
    "conversation": CONVERSATION_PERMISSIONS,
}

# Built-in roles every new service starts with: (friendly_name, type, permissions).
# Twilio's pages do not list them; these follow the roles Twilio creates for a
# Conversations service (inherited from Programmable Chat) with Conversations
# permission names. See docs/emulator.md.
BUILTIN_ROLES: Final[tuple[tuple[str, str, tuple[str, ...]], ...]] = (
    (
        "service admin",
        "service",
        tuple(sorted(SERVICE_PERMISSIONS)),
    ),
    (
        "service user",
        "service",
        ("createConversation", "editOwnMessage", "editOwnUserInfo", "joinConversation"),
    ),
    (
        "channel admin",
        "conversation",
        tuple(sorted(CONVERSATION_PERMISSIONS - {"editAnyUserInfo"})),
    ),
    (
        "channel user",
        "conversation",
        (
            "deleteOwnMessage",
            "editOwnMessage",
            "editOwnMessageAttributes",
            "editOwnUserInfo",
            "leaveConversation",
            "sendMediaMessage",
            "sendMessage",
        ),
    ),
)
# Which built-in role each service-configuration default starts out pointing at.
BUILTIN_DEFAULTS: Final = {
    "default_chat_service_role_sid": "service user",
    "default_conversation_role_sid": "channel user",
    "default_conversation_creator_role_sid": "channel admin",
}

# Webhook filters. Post-event names end in -ed; pre-event names are the present tense.
_POST_EVENTS: Final = (
    "onMessageAdded",
    "onMessageUpdated",
    "onMessageRemoved",
    "onConversationAdded",
    "onConversationUpdated",
    "onConversationRemoved",
    "onConversationStateUpdated",
    "onParticipantAdded",
    "onParticipantUpdated",
    "onParticipantRemoved",
    "onDeliveryUpdated",
)
_PRE_EVENTS: Final = (
    "onMessageAdd",
    "onMessageUpdate",
    "onMessageRemove",
    "onConversationAdd",
    "onConversationUpdate",
    "onConversationRemove",
    "onParticipantAdd",
    "onParticipantUpdate",
    "onParticipantRemove",
)
SERVICE_WEBHOOK_FILTERS: Final = frozenset(_POST_EVENTS + _PRE_EVENTS)
ACCOUNT_WEBHOOK_FILTERS: Final = frozenset(
    SERVICE_WEBHOOK_FILTERS | {"onUserAdded", "onUserUpdate", "onUserUpdated"}
)
# Conversation-scoped webhooks attached by address auto-creation: post-events only.
ADDRESS_WEBHOOK_FILTERS: Final = frozenset(
    {
        "onMessageAdded",
        "onMessageUpdated",
        "onMessageRemoved",
        "onConversationUpdated",
        "onConversationStateUpdated",
        "onConversationRemoved",
        "onParticipantAdded",
        "onParticipantUpdated",
        "onParticipantRemoved",
        "onDeliveryUpdated",
    }
)

# Timer minimums, in seconds (Configuration resource).
MIN_INACTIVE_TIMER_SECONDS: Final = 60
MIN_CLOSED_TIMER_SECONDS: Final = 600

# Length limits from the resource pages.
MAX_SERVICE_NAME: Final = 256
MAX_ADDRESS_NAME: Final = 256
MAX_ROLE_NAME: Final = 64
MAX_CREDENTIAL_NAME: Final = 64

# Paging: default page size and the maximum per list endpoint (OpenAPI `maximum`).
DEFAULT_PAGE_SIZE: Final = 50
MAX_PAGE_SIZE: Final = {
    "services": 100,
    "credentials": 100,
    "roles": 50,
    "address_configurations": 50,
}

# Default push-notification settings of a new service.
DEFAULT_NOTIFICATIONS: Final = {
    "log_enabled": False,
    "new_message": {
        "enabled": False,
        "template": None,
        "sound": None,
        "badge_count_enabled": False,
        "with_media": {"enabled": False, "template": None},
    },
    "added_to_conversation": {"enabled": False, "template": None, "sound": None},
    "removed_from_conversation": {"enabled": False, "template": None, "sound": None},
}
