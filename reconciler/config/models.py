"""The desired state, as pydantic models of the YAML.

Field names follow Twilio's snake_case JSON names so users can map the docs onto the config;
where the API wants a SID, the config names the thing (`default_service`,
`default_conversation_role`, `conversation_service`) and a raw SID is accepted too. A field left
out is `None` and not in `model_fields_set`: it is not managed. A field set to `null` explicitly
is managed and cleared.

The models check structure and enumerations; Twilio's finer rules (address forms, durations,
permissions per role type, references) are in `validation.py`, which runs on the same data so
that every problem is reported in one pass. Attribute docstrings become the JSON Schema's
descriptions, which editors show.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from reconciler.config import rules
from reconciler.config.policy_rules import WebhookRules

ServiceReference = str
"""A key of `services:` in this config, or a raw service SID (IS...)."""

RoleReference = str
"""A role name in the same service (built-in or from `roles:`), or a raw role SID (RL...)."""

WebhookMethod = Literal["GET", "POST"]
RoleType = Literal["conversation", "service"]
AddressType = Literal["sms", "whatsapp", "messenger", "gbm", "email", "rcs", "apple", "chat"]
AutoCreationType = Literal["webhook", "studio", "default"]
CredentialType = Literal["apn", "fcm", "gcm"]
PrunableKind = Literal["services", "roles", "address_configurations", "credentials"]

# Strings at run time; the schema lists the documented values so editors can complete them.
AccountWebhookFilter = Annotated[
    str, Field(json_schema_extra={"enum": list(rules.ACCOUNT_WEBHOOK_FILTERS)})
]
ServiceWebhookFilter = Annotated[
    str, Field(json_schema_extra={"enum": list(rules.SERVICE_WEBHOOK_FILTERS)})
]
AddressWebhookFilter = Annotated[
    str, Field(json_schema_extra={"enum": list(rules.ADDRESS_WEBHOOK_FILTERS)})
]
Permission = Annotated[str, Field(json_schema_extra={"enum": list(rules.ALL_PERMISSIONS)})]


class Strict(BaseModel):
    """Unknown keys are errors everywhere: a typo must never be silently unmanaged."""

    model_config = ConfigDict(
        extra="forbid", validate_assignment=False, use_attribute_docstrings=True
    )


class AccountConfiguration(Strict):
    """Account-wide Conversations settings (/v1/Configuration)."""

    default_service: ServiceReference | None = None
    """The account's default conversation service: a key of `services:` or an IS... SID."""
    default_messaging_service_sid: str | None = None
    """Default Messaging Service for new conversations: MG and 32 hex digits."""
    default_inactive_timer: str | None = None
    """ISO 8601 duration before a conversation turns inactive, at least PT1M; PT0S turns it off."""
    default_closed_timer: str | None = None
    """ISO 8601 duration before a conversation closes, at least PT10M; PT0S turns it off."""


class AccountWebhooks(Strict):
    """Account-wide pre- and post-event webhooks (/v1/Configuration/Webhooks)."""

    target: Literal["webhook", "flex"] | None = None
    """Where events go: your webhook URLs, or Flex."""
    method: WebhookMethod | None = None
    """HTTP method of the webhook requests."""
    pre_webhook_url: str | None = None
    """Absolute http(s) URL for pre-event webhooks (onXxxAdd/Update/Remove)."""
    post_webhook_url: str | None = None
    """Absolute http(s) URL for post-event webhooks (onXxxAdded/Updated/Removed, ...)."""
    filters: list[AccountWebhookFilter] | None = None
    """The events sent; events not listed do not fire."""


class Account(Strict):
    """Settings that apply to the whole account."""

    sid: str | None = None
    """The account this configuration belongs to (AC and 32 hex digits, usually ${VAR}): plan
    and apply refuse to run against any other account."""

    configuration: AccountConfiguration | None = None
    """Default service, messaging service and timers."""
    webhooks: AccountWebhooks | None = None
    """Account-wide webhook target, URLs and event filters."""


class Role(Strict):
    """A role of a conversation service; its name is its key under `roles:`."""

    type: RoleType
    """service roles apply in the service, conversation roles inside each conversation."""
    permissions: list[Permission]
    """Permissions granted; the documented lists differ between service and conversation roles."""


class ServiceConfiguration(Strict):
    """The service's default roles and reachability (/v1/Services/{IS}/Configuration)."""

    default_conversation_creator_role: RoleReference | None = None
    """Conversation role given to a conversation's creator: a role name or RL... SID."""
    default_conversation_role: RoleReference | None = None
    """Conversation role given to participants: a role name or RL... SID."""
    default_chat_service_role: RoleReference | None = None
    """Service role given to new users: a role name or RL... SID."""
    reachability_enabled: bool | None = None
    """Whether the Reachability Indicator is on."""


class WithMediaNotification(Strict):
    """Push notification for a new message with media."""

    enabled: bool | None = None
    template: str | None = None
    """Notification text; write Twilio placeholders as $${MESSAGE}, $${PARTICIPANT}, ..."""


class NewMessageNotification(Strict):
    """Push notification for a new message."""

    enabled: bool | None = None
    template: str | None = None
    """Notification text; write Twilio placeholders as $${MESSAGE}, $${PARTICIPANT}, ..."""
    sound: str | None = None
    """Name of the sound to play."""
    badge_count_enabled: bool | None = None
    """Whether the app badge counts unread messages."""
    with_media: WithMediaNotification | None = None
    """Notification for messages with media attachments."""


class ConversationNotification(Strict):
    """Push notification for being added to or removed from a conversation."""

    enabled: bool | None = None
    template: str | None = None
    """Notification text; write Twilio placeholders as $${CONVERSATION}, ..."""
    sound: str | None = None
    """Name of the sound to play."""


class ServiceNotifications(Strict):
    """Push notification settings of a service (/v1/Services/{IS}/Configuration/Notifications)."""

    log_enabled: bool | None = None
    """Whether notification logging is on."""
    new_message: NewMessageNotification | None = None
    added_to_conversation: ConversationNotification | None = None
    removed_from_conversation: ConversationNotification | None = None


class ServiceWebhooks(Strict):
    """Webhooks of one service (/v1/Services/{IS}/Configuration/Webhooks)."""

    method: WebhookMethod | None = None
    """HTTP method of the webhook requests."""
    pre_webhook_url: str | None = None
    """Absolute http(s) URL for pre-event webhooks."""
    post_webhook_url: str | None = None
    """Absolute http(s) URL for post-event webhooks."""
    filters: list[ServiceWebhookFilter] | None = None
    """The events sent; events not listed do not fire."""


class Service(Strict):
    """A conversation service; its key under `services:` is how the rest of the config names it."""

    friendly_name: str | None = Field(
        default=None, json_schema_extra={"maxLength": rules.SERVICE_NAME_MAX}
    )
    """Defaults to the service's key in `services:`."""
    sid: str | None = None
    """Pins the live service by SID (needed when two live services share a name)."""
    roles: dict[str, Role] = Field(default_factory=dict)
    """Keyed by the role's friendly_name."""
    configuration: ServiceConfiguration | None = None
    """Default roles and reachability."""
    notifications: ServiceNotifications | None = None
    """Push notification templates and switches."""
    webhooks: ServiceWebhooks | None = None
    """Service-level webhook URLs and event filters."""


class AutoCreation(Strict):
    """Whether and how inbound messages to the address auto-create a conversation."""

    enabled: bool | None = None
    type: AutoCreationType | None = None
    """webhook (needs webhook_url), studio (needs studio_flow_sid) or default."""
    conversation_service: ServiceReference | None = None
    """Service of the new conversations: a key of `services:` or an IS... SID."""
    webhook_url: str | None = None
    """type webhook: absolute http(s) URL of the conversation-scoped webhook."""
    webhook_method: WebhookMethod | None = None
    """type webhook: HTTP method."""
    webhook_filters: list[AddressWebhookFilter] | None = None
    """type webhook: the post-event events sent."""
    studio_flow_sid: str | None = None
    """type studio: the Studio Flow, FW and 32 hex digits."""
    studio_retry_count: int | None = None
    """type studio: how many times to retry the request."""


class AddressConfiguration(Strict):
    """Auto-creation settings of one address; identified by (type, address)."""

    type: AddressType
    """Channel of the address."""
    address: str
    """sms: +E164 or a short code; whatsapp: whatsapp:+E164; messenger: messenger:<page id>; ..."""
    friendly_name: str | None = Field(
        default=None, json_schema_extra={"maxLength": rules.ADDRESS_NAME_MAX}
    )
    address_country: str | None = None
    """ISO 3166-1 alpha-2 country code, for short codes."""
    auto_creation: AutoCreation | None = None


class Credential(Strict):
    """A push credential, identified by its friendly_name (default: its key)."""

    type: CredentialType
    """apn (certificate + private_key), fcm (secret) or gcm (api_key or secret)."""
    friendly_name: str | None = Field(
        default=None, json_schema_extra={"maxLength": rules.CREDENTIAL_NAME_MAX}
    )
    """Defaults to the credential's key in `credentials:`."""
    sandbox: bool | None = None
    """apn only: send to the APNs sandbox."""
    certificate: SecretStr | None = None
    """apn only: the certificate (PEM); write-only, usually ${VAR}."""
    private_key: SecretStr | None = None
    """apn only: the private key (PEM); write-only, usually ${VAR}."""
    api_key: SecretStr | None = None
    """gcm only: the API key; write-only, usually ${VAR}."""
    secret: SecretStr | None = None
    """fcm (or legacy gcm): the server key; write-only, usually ${VAR}."""


class Policy(Strict):
    """What plan and apply may do beyond creating and updating."""

    prune: list[PrunableKind] = Field(default_factory=list)
    """Live resources of these kinds that the config does not name are deleted."""
    protected_services: list[ServiceReference] = Field(default_factory=list)
    """Never deleted or replaced, even with --allow-destroy."""
    max_change_fraction: float = Field(default=0.3, gt=0, le=1)
    """Changing or deleting more than this share of a kind's existing resources needs --force."""
    webhooks: WebhookRules = Field(default_factory=WebhookRules)
    """The team's rules for webhook URLs: hosts, https, development tunnels, required filters."""


class Config(Strict):
    """A Twilio Conversations configuration (reconciler format version 1)."""

    version: Literal[1]
    """Format version; always 1."""
    account: Account | None = None
    """Account-wide configuration and webhooks."""
    services: dict[str, Service] = Field(default_factory=dict)
    """Conversation services by key (the key is the friendly_name unless one is given)."""
    address_configurations: list[AddressConfiguration] = Field(default_factory=list)
    """Addresses (SMS, WhatsApp, ...) that auto-create conversations."""
    credentials: dict[str, Credential] = Field(default_factory=dict)
    """Push credentials by key (the key is the friendly_name unless one is given)."""
    policy: Policy = Field(default_factory=Policy)
    """Pruning, protected services and change thresholds."""
