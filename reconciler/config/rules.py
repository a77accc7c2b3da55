"""Twilio's own rules for Conversations configuration, as data.

Every table names where in Twilio's documentation it comes from (the copies kept under
shared/reference: `twilio-conversations-docs.txt` and `twilio_conversations_v1.openapi.json`),
so that a change in Twilio's docs is a change in one place. The checks that use these tables
live in `validation.py`.
"""

from __future__ import annotations

import re

# --- Role permissions -----------------------------------------------------------------------
# Role resource, "Permission Values": "Service-scope permissions" (roles with type = service)
# and "Conversation-scope permissions" (roles with type = conversation).
SERVICE_PERMISSIONS: tuple[str, ...] = (
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
)
CONVERSATION_PERMISSIONS: tuple[str, ...] = (
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
)
PERMISSIONS_BY_ROLE_TYPE: dict[str, tuple[str, ...]] = {
    "service": SERVICE_PERMISSIONS,
    "conversation": CONVERSATION_PERMISSIONS,
}
ALL_PERMISSIONS: tuple[str, ...] = tuple(
    sorted(set(SERVICE_PERMISSIONS) | set(CONVERSATION_PERMISSIONS))
)

# --- Rate limits --------------------------------------------------------------------------
# Changelog "Increasing Actions Per Second for Conversations" (2020-03-31): "a single 30 APS
# limit applying to each Service as a whole" for role create, update and delete; more are
# answered with 429, error 50063.
ROLE_ACTIONS_PER_SECOND_PER_SERVICE = 30

# --- Built-in roles -------------------------------------------------------------------------
# Every new Conversation Service comes with these roles and its configuration's default roles
# point at them (service admin/user are service roles, channel admin/user conversation roles).
BUILTIN_ROLES: dict[str, str] = {
    "channel admin": "conversation",
    "channel user": "conversation",
    "service admin": "service",
    "service user": "service",
}

# Service Configuration resource: which role type each default role must have.
# defaultChatServiceRoleSid is "the service-level role assigned to users when they are added to
# the service"; the two conversation defaults are "conversation-level" roles.
DEFAULT_ROLE_TYPES: dict[str, str] = {
    "default_chat_service_role": "service",
    "default_conversation_role": "conversation",
    "default_conversation_creator_role": "conversation",
}

# --- Webhook filters ------------------------------------------------------------------------
# Webhook Configuration resource (account webhooks, /v1/Configuration/Webhooks), `filters`:
# pre-event (onXxxAdd/Update/Remove) and post-event (onXxxAdded/...) names, plus the user events.
ACCOUNT_WEBHOOK_FILTERS: tuple[str, ...] = (
    "onMessageAdd",
    "onMessageAdded",
    "onMessageUpdate",
    "onMessageUpdated",
    "onMessageRemove",
    "onMessageRemoved",
    "onConversationAdd",
    "onConversationAdded",
    "onConversationUpdate",
    "onConversationUpdated",
    "onConversationRemove",
    "onConversationRemoved",
    "onConversationStateUpdated",
    "onParticipantAdd",
    "onParticipantAdded",
    "onParticipantUpdate",
    "onParticipantUpdated",
    "onParticipantRemove",
    "onParticipantRemoved",
    "onDeliveryUpdated",
    "onUserAdded",
    "onUserUpdate",
    "onUserUpdated",
)
# Service Webhook Configuration resource (/v1/Services/{IS}/Configuration/Webhooks), `filters`:
# the same pre/post-event names but without the user events, which this endpoint does not list.
SERVICE_WEBHOOK_FILTERS: tuple[str, ...] = tuple(
    name for name in ACCOUNT_WEBHOOK_FILTERS if not name.startswith("onUser")
)
# Address Configuration resource, `autoCreation.webhookFilters`: post-event names only.
ADDRESS_WEBHOOK_FILTERS: tuple[str, ...] = (
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
)

# --- Enumerations ---------------------------------------------------------------------------
# OpenAPI components: configuration_webhook_enum_target, *_enum_method, configuration_address_
# enum_type / _auto_creation_type, credential_enum_push_type, role_enum_role_type. These are the
# values this version knows, not the values Twilio accepts: Twilio adds values every year (four
# address types between 2023 and 2025), so a value outside a list is a warning, kept and sent as
# written (`validate --strict` makes it an error), and Twilio is the judge of it.
WEBHOOK_TARGETS: tuple[str, ...] = ("webhook", "flex")
WEBHOOK_METHODS: tuple[str, ...] = ("GET", "POST")
# The account and service webhook methods are GET/POST, the address configuration's get/post
# (configuration_address_enum_method), and Twilio changed the case in 2025: any case is the same.
WEBHOOK_METHODS_ANY_CASE: tuple[str, ...] = (
    *WEBHOOK_METHODS,
    *(m.lower() for m in WEBHOOK_METHODS),
)
ROLE_TYPES: tuple[str, ...] = ("conversation", "service")
ADDRESS_TYPES: tuple[str, ...] = (
    "sms",
    "whatsapp",
    "messenger",
    "gbm",
    "email",
    "rcs",
    "apple",
    "chat",
)
AUTO_CREATION_TYPES: tuple[str, ...] = ("webhook", "studio", "default")
CREDENTIAL_TYPES: tuple[str, ...] = ("apn", "fcm", "gcm")

# Auto-creation fields that belong to one auto-creation type (Address Configuration resource:
# "For type webhook, the url for the webhook request", "For type studio, the studio flow SID").
AUTO_CREATION_FIELDS_BY_TYPE: dict[str, tuple[str, ...]] = {
    "webhook": ("webhook_url", "webhook_method", "webhook_filters"),
    "studio": ("studio_flow_sid", "studio_retry_count"),
    "default": (),
}
AUTO_CREATION_REQUIRED_BY_TYPE: dict[str, tuple[str, ...]] = {
    "webhook": ("webhook_url",),
    "studio": ("studio_flow_sid",),
    "default": (),
}

# Credential resource: certificate, private_key and sandbox are "[APN only]", api_key is
# "[GCM only]", secret is "[FCM only]". Legacy GCM credentials were also created with the server
# key in `secret`, so gcm accepts either api_key or secret.
CREDENTIAL_FIELDS_BY_TYPE: dict[str, tuple[str, ...]] = {
    "apn": ("certificate", "private_key", "sandbox"),
    "fcm": ("secret",),
    "gcm": ("api_key", "secret"),
}
CREDENTIAL_SECRET_FIELDS: tuple[str, ...] = ("certificate", "private_key", "api_key", "secret")
# What a credential of each type must carry to be created (any one of each inner tuple). Not a
# validation rule: an adopted credential's secrets may stay out of the configuration (they are
# write-only, so unmanaged); the plan refuses only to create a credential without them.
CREDENTIAL_REQUIRED_BY_TYPE: dict[str, tuple[tuple[str, ...], ...]] = {
    "apn": (("certificate",), ("private_key",)),
    "fcm": (("secret",),),
    "gcm": (("api_key", "secret"),),
}

# --- Fields Twilio can clear ------------------------------------------------------------------
# `null` in the configuration means "managed, and cleared": the engine sends the empty value
# (`Field=` or a lone `Filters=`). Twilio clears only these (text and lists); a boolean, an
# enumeration, a reference or a secret cannot be cleared, so `null` there is a `validate` error,
# as is `null` for a whole section (leave a key out to leave it unmanaged). Config paths, with
# `*` for a key or list index the user chooses.
CLEARABLE: frozenset[tuple[str, ...]] = frozenset(
    {
        ("account", "configuration", "default_messaging_service_sid"),
        ("account", "configuration", "default_inactive_timer"),
        ("account", "configuration", "default_closed_timer"),
        ("account", "webhooks", "pre_webhook_url"),
        ("account", "webhooks", "post_webhook_url"),
        ("account", "webhooks", "filters"),
        ("services", "*", "notifications", "new_message", "template"),
        ("services", "*", "notifications", "new_message", "sound"),
        ("services", "*", "notifications", "new_message", "with_media", "template"),
        ("services", "*", "notifications", "added_to_conversation", "template"),
        ("services", "*", "notifications", "added_to_conversation", "sound"),
        ("services", "*", "notifications", "removed_from_conversation", "template"),
        ("services", "*", "notifications", "removed_from_conversation", "sound"),
        ("services", "*", "webhooks", "pre_webhook_url"),
        ("services", "*", "webhooks", "post_webhook_url"),
        ("services", "*", "webhooks", "filters"),
        ("address_configurations", "*", "friendly_name"),
        ("address_configurations", "*", "address_country"),
        ("address_configurations", "*", "auto_creation", "webhook_filters"),
    }
)

# --- Length limits ----------------------------------------------------------------------------
# Service: "limited to 256 characters"; Address Configuration friendlyName: "limited to 256
# characters"; Role and Credential friendlyName: "up to 64 characters long".
SERVICE_NAME_MAX = 256
ADDRESS_NAME_MAX = 256
ROLE_NAME_MAX = 64
CREDENTIAL_NAME_MAX = 64
# Limits the resource pages do not state (the error codes 50058 and 50059 say a notification
# template or sound is too long, not from what length): the limits this project assumes, for
# `validate` and the emulator alike, as docs/emulator.md ("Limits") records.
WEBHOOK_URL_MAX = 2048
NOTIFICATION_TEMPLATE_MAX = 1024
NOTIFICATION_SOUND_MAX = 256
ADDRESS_MAX = 256
INTEGER_MAX = 2**31 - 1
"""Integers (AutoCreation.StudioRetryCount): the docs give no range; assumed 32-bit."""

# --- SIDs -------------------------------------------------------------------------------------
# Every SID in the OpenAPI spec: two-letter prefix and 32 hex digits ("^IS[0-9a-fA-F]{32}$").
SID_PREFIXES: dict[str, str] = {
    "AC": "Account",
    "IS": "Conversation Service",
    "RL": "Role",
    "MG": "Messaging Service",
    "FW": "Studio Flow",
}


def sid_pattern(prefix: str) -> re.Pattern[str]:
    """The pattern Twilio's spec gives for a SID with this prefix."""
    return re.compile(rf"^{prefix}[0-9a-fA-F]{{32}}$")


# --- Addresses --------------------------------------------------------------------------------
# E.164: a `+`, then up to 15 digits, the first not 0 (ITU-T E.164; the docs' examples such as
# "+37256123457"). Twilio phone numbers are always written this way.
E164 = re.compile(r"^\+[1-9][0-9]{1,14}$")
# Short codes: the Address Configuration docs say address_country "is currently only applicable
# to short code addresses" but give no format; short codes are 3 to 8 digits worldwide (5-6 in
# the US and Canada), written without a `+`.
SHORT_CODE = re.compile(r"^[0-9]{3,8}$")
# WhatsApp bindings and senders are written `whatsapp:+E164` ("whatsapp:YOUR_WHATSAPP_NUMBER"
# in the WhatsApp guide).
WHATSAPP = re.compile(r"^whatsapp:\+[1-9][0-9]{1,14}$")
# Facebook Messenger: `messenger:<page id>` (the Messenger guide's
# `--address messenger:your_messenger_page_id`); page ids are numeric.
MESSENGER = re.compile(r"^messenger:[0-9]+$")
# Google Business Messages: `gbm:<agent id>`; the docs give no format for the id.
GBM = re.compile(r"^gbm:\S+$")
# Email: a plain addr-spec (the spec's example "example@example.com").
EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)
# RCS: `rcs:<sender id>` as Twilio writes RCS senders; the docs give no format for the id.
RCS = re.compile(r"^rcs:\S+$")
# Apple Messages for Business: the spec's example is a business id "urn:mbid:AQAAY...";
# Twilio also writes it with an `apple:` channel prefix.
APPLE = re.compile(r"^(?:apple:)?urn:mbid:[A-Za-z0-9_=+/-]+$")
# Chat: the docs document no form; any non-empty value without whitespace.
CHAT = re.compile(r"^\S+$")

ADDRESS_FORMS: dict[str, tuple[tuple[re.Pattern[str], ...], str]] = {
    "sms": (
        (E164, SHORT_CODE),
        "an E.164 number such as +15017122661, or a short code such as 894546",
    ),
    "whatsapp": ((WHATSAPP,), "whatsapp: and an E.164 number, such as whatsapp:+15017122661"),
    "messenger": (
        (MESSENGER,),
        "messenger: and the numeric Facebook page id, such as messenger:101234567890123",
    ),
    "gbm": ((GBM,), "gbm: and the Google Business Messages agent id"),
    "email": ((EMAIL,), "an email address such as support@example.com"),
    "rcs": ((RCS,), "rcs: and the RCS sender id"),
    "apple": (
        (APPLE,),
        "an Apple Messages for Business id such as urn:mbid:AQAAY... (or apple:urn:mbid:...)",
    ),
    "chat": ((CHAT,), "a non-empty chat address without spaces"),
}

# ISO 3166-1 alpha-2 country code (Address Configuration `addressCountry`).
COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")

# --- Timers -----------------------------------------------------------------------------------
# Configuration resource: "Minimum value for this timer is 1 minute" (inactive) and "10 minutes"
# (closed). States and timers guide: durations "must be specified in days or smaller units"
# (months and years are an invalid format), precision is one second, PT0S disables a timer.
# The docs give no maximum (they recommend up to a year, P365D). Assumed: a timer is a 32-bit
# count of seconds (about 68 years, P24855DT3H14M7S), the smallest bound a backend plausibly
# has; a longer one is refused as a malformed duration, as Twilio's list has no code for it.
TIMER_MINIMUM_SECONDS: dict[str, int] = {
    "default_inactive_timer": 60,
    "default_closed_timer": 600,
}
TIMER_MAXIMUM_SECONDS = 2**31 - 1
TIMER_MAXIMUM = "P24855DT3H14M7S"
DURATION = re.compile(
    r"^P(?!$)(?:(?P<days>\d+)D)?(?:T(?=\d)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?$"
)
