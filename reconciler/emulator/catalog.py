"""Twilio Conversations facts the emulator enforces: enums, permissions, filters, limits.

Kept apart from the models so the values can be read (and reused by offline validation)
without pulling in any state. Sources: the Conversations v1 OpenAPI description and the
Conversations reference pages (docs/emulator.md names the source of each choice).
"""

from __future__ import annotations

from typing import Final

from reconciler.config import rules

# Facts the offline validation checks too come from its one table (reconciler/config/rules.py,
# which names the docs each comes from): the emulator and `validate` cannot drift apart.
ADDRESS_TYPES: Final = rules.ADDRESS_TYPES
AUTO_CREATION_TYPES: Final = rules.AUTO_CREATION_TYPES
WEBHOOK_METHODS: Final = rules.WEBHOOK_METHODS
WEBHOOK_TARGETS: Final = rules.WEBHOOK_TARGETS
CREDENTIAL_TYPES: Final = rules.CREDENTIAL_TYPES
# An sms address is an E.164 number or a short code: AddressCountry "is currently only
# applicable to short code addresses" (Address Configuration resource).
SMS_ADDRESSES: Final = (rules.E164, rules.SHORT_CODE)
ROLE_TYPES: Final = ("conversation", "service")

# Role permissions valid for each role type (Role resource, "Permission Values").
SERVICE_PERMISSIONS: Final = frozenset(rules.SERVICE_PERMISSIONS)
CONVERSATION_PERMISSIONS: Final = frozenset(rules.CONVERSATION_PERMISSIONS)
PERMISSIONS_BY_ROLE_TYPE: Final = {
    "service": SERVICE_PERMISSIONS,
    "conversation": CONVERSATION_PERMISSIONS,
}

# Built-in roles every new service starts with: (friendly_name, type, permissions), in the
# order Twilio lists them. Twilio's Conversations pages do not list them; the sources, and
# where nothing public decides, are in docs/emulator.md ("Built-in roles").
BUILTIN_ROLES: Final[tuple[tuple[str, str, tuple[str, ...]], ...]] = (
    (
        # Chat's Service Admin (createChannel, joinChannel, destroyChannel, editChannelName,
        # editChannelAttributes, addMember, inviteMember, removeMember, editAnyMessage,
        # editAnyMessageAttributes, deleteAnyMessage, editAnyUserInfo) in Conversations'
        # names; inviteMember has no Conversations counterpart.
        "service admin",
        "service",
        (
            "addParticipant",
            "createConversation",
            "deleteAnyMessage",
            "deleteConversation",
            "editAnyMessage",
            "editAnyMessageAttributes",
            "editAnyUserInfo",
            "editConversationAttributes",
            "editConversationName",
            "joinConversation",
            "removeParticipant",
        ),
    ),
    (
        # Chat's Service User: createChannel, editOwnUserInfo, joinChannel.
        "service user",
        "service",
        ("createConversation", "editOwnUserInfo", "joinConversation"),
    ),
    (
        # Not decided by public material: every conversation-scope permission except
        # editAnyUserInfo (a service-wide power) -- an assumption, see docs/emulator.md.
        "channel admin",
        "conversation",
        tuple(sorted(CONVERSATION_PERMISSIONS - {"editAnyUserInfo"})),
    ),
    (
        # The Conversations Role page's own example of a conversation role.
        "channel user",
        "conversation",
        ("sendMessage", "leaveConversation", "editOwnMessage", "deleteOwnMessage"),
    ),
)
# Which built-in role each service-configuration default starts out pointing at.
BUILTIN_DEFAULTS: Final = {
    "default_chat_service_role_sid": "service user",
    "default_conversation_role_sid": "channel user",
    "default_conversation_creator_role_sid": "channel admin",
}

# Webhook filters, per kind of webhook configuration.
SERVICE_WEBHOOK_FILTERS: Final = frozenset(rules.SERVICE_WEBHOOK_FILTERS)
ACCOUNT_WEBHOOK_FILTERS: Final = frozenset(rules.ACCOUNT_WEBHOOK_FILTERS)
ADDRESS_WEBHOOK_FILTERS: Final = frozenset(rules.ADDRESS_WEBHOOK_FILTERS)

# Timer minimums, in seconds (Configuration resource).
MIN_INACTIVE_TIMER_SECONDS: Final = rules.TIMER_MINIMUM_SECONDS["default_inactive_timer"]
MIN_CLOSED_TIMER_SECONDS: Final = rules.TIMER_MINIMUM_SECONDS["default_closed_timer"]
MAX_TIMER_SECONDS: Final = rules.TIMER_MAXIMUM_SECONDS
MAX_TIMER: Final = rules.TIMER_MAXIMUM

# Length limits from the resource pages.
MAX_SERVICE_NAME: Final = rules.SERVICE_NAME_MAX
MAX_ADDRESS_NAME: Final = rules.ADDRESS_NAME_MAX
MAX_ROLE_NAME: Final = rules.ROLE_NAME_MAX
MAX_CREDENTIAL_NAME: Final = rules.CREDENTIAL_NAME_MAX
# Limits the pages do not document: assumptions, listed in docs/emulator.md ("Limits").
MAX_WEBHOOK_URL: Final = rules.WEBHOOK_URL_MAX
MAX_TEMPLATE: Final = rules.NOTIFICATION_TEMPLATE_MAX
MAX_SOUND: Final = rules.NOTIFICATION_SOUND_MAX
MAX_ADDRESS: Final = rules.ADDRESS_MAX
MAX_INTEGER: Final = rules.INTEGER_MAX
MAX_BODY_BYTES: Final = 1024 * 1024

# Actions per second: "a single 30 APS limit applying to each Service as a whole" for role
# create, update and delete (Twilio changelog, "Increasing Actions Per Second for
# Conversations", 2020-03-31).
# Conversations' limits page ("Operational limits") says the same of conversations: creates and
# deletes count against the service, updates against the conversation itself.
DEFAULT_APS_LIMIT: Final = rules.ROLE_ACTIONS_PER_SECOND_PER_SERVICE

# Conversations (Conversations' limits page, "Length limits"): FriendlyName 256 characters,
# Attributes 16KB; the states a conversation may be given (OpenAPI `conversation_enum_state`).
MAX_CONVERSATION_NAME: Final = 256
MAX_CONVERSATION_ATTRIBUTES: Final = 16 * 1024
CONVERSATION_STATES: Final = ("initializing", "inactive", "active", "closed")

# Address auto-creation: which keys `auto_creation` holds for each type (the examples on
# the Address Configuration page show one shape per type).
AUTO_CREATION_COMMON_KEYS: Final = ("enabled", "type", "conversation_service_sid")
AUTO_CREATION_KEYS: Final[dict[str, tuple[str, ...]]] = {
    "webhook": ("webhook_url", "webhook_method", "webhook_filters"),
    "studio": ("studio_flow_sid", "studio_retry_count"),
    "default": (),
}

# Paging: default page size and the maximum per list endpoint (OpenAPI `maximum`).
DEFAULT_PAGE_SIZE: Final = 50
MAX_PAGE_SIZE: Final = {
    "services": 100,
    "credentials": 100,
    "roles": 50,
    "address_configurations": 50,
    "conversations": 100,
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
