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

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from reconciler.config import rules
from reconciler.config.policy_rules import WebhookRules

ServiceReference = str
"""A key of `services:` in this config, or a raw service SID (IS...)."""

RoleReference = str
"""A role name in the same service (built-in or from `roles:`), or a raw role SID (RL...)."""

PrunableKind = Literal["services", "roles", "address_configurations", "credentials"]


def known_values(values: tuple[str, ...]) -> Any:
    """For a string whose documented values editors offer; any other string is accepted.

    Twilio adds values every year, and Twilio, not this tool, is the judge of them: a value
    outside the list is a `validate` warning (an error under --strict), never a type error.
    """
    return Field(json_schema_extra={"anyOf": [{"enum": list(values)}, {"type": "string"}]})


def _without_null(schema: dict[str, Any]) -> None:
    """The field's JSON Schema without its `null` branch (and without `default: null`), and
    without the empty string, which is `null` too (config/nulls.py)."""
    branches = [branch for branch in schema.pop("anyOf", []) if branch != {"type": "null"}]
    if len(branches) == 1:
        schema.update(branches[0])
    elif branches:
        schema["anyOf"] = branches
    if schema.get("default", ...) is None:
        del schema["default"]
    if schema.get("type") == "string":
        schema["minLength"] = 1


def not_null() -> Any:
    """Default of a field that may be left out (unmanaged) but not set to `null` (or to an
    empty string, which is `null`): Twilio cannot clear it, which `validate` reports at its
    line (config/nulls.py). The model still accepts None so that the error is that one clear
    message; the schema offers no null, so editors flag it too."""
    return Field(default=None, json_schema_extra=_without_null)


def not_empty() -> Any:
    """A required text: an empty string is `null`, which `validate` reports at its line
    (config/nulls.py); the schema says so to editors."""
    return Field(min_length=1)


def _or_empty(schema: dict[str, Any]) -> None:
    schema["anyOf"] = [*schema.get("anyOf", []), {"const": ""}]


def clearable_list() -> Any:
    """Default of a list Twilio can clear: `null`, or an empty string (which is `null`), clears
    it (config/nulls.py)."""
    return Field(default=None, json_schema_extra=_or_empty)


WebhookMethod = Annotated[str, known_values(rules.WEBHOOK_METHODS_ANY_CASE)]
WebhookTarget = Annotated[str, known_values(rules.WEBHOOK_TARGETS)]
RoleType = Annotated[str, known_values(rules.ROLE_TYPES)]
AddressType = Annotated[str, known_values(rules.ADDRESS_TYPES)]
AutoCreationType = Annotated[str, known_values(rules.AUTO_CREATION_TYPES)]
CredentialType = Annotated[str, known_values(rules.CREDENTIAL_TYPES)]
AccountWebhookFilter = Annotated[str, known_values(rules.ACCOUNT_WEBHOOK_FILTERS)]
ServiceWebhookFilter = Annotated[str, known_values(rules.SERVICE_WEBHOOK_FILTERS)]
AddressWebhookFilter = Annotated[str, known_values(rules.ADDRESS_WEBHOOK_FILTERS)]
Permission = Annotated[str, known_values(rules.ALL_PERMISSIONS)]


class Strict(BaseModel):
    """Unknown keys are errors everywhere: a typo must never be silently unmanaged."""

    model_config = ConfigDict(
        extra="forbid", validate_assignment=False, use_attribute_docstrings=True
    )


class AccountConfiguration(Strict):
    """Account-wide Conversations settings (/v1/Configuration)."""

    default_service: ServiceReference | None = not_null()
    """The account's default conversation service: a key of `services:` or an IS... SID."""
    default_messaging_service_sid: str | None = None
    """Default Messaging Service for new conversations: MG and 32 hex digits."""
    default_inactive_timer: str | None = None
    """ISO 8601 duration before a conversation turns inactive, at least PT1M; PT0S turns it off."""
    default_closed_timer: str | None = None
    """ISO 8601 duration before a conversation closes, at least PT10M; PT0S turns it off."""


class AccountWebhooks(Strict):
    """Account-wide pre- and post-event webhooks (/v1/Configuration/Webhooks)."""

    target: WebhookTarget | None = not_null()
    """Where events go: your webhook URLs, or Flex."""
    method: WebhookMethod | None = not_null()
    """HTTP method of the webhook requests."""
    pre_webhook_url: str | None = None
    """Absolute http(s) URL for pre-event webhooks (onXxxAdd/Update/Remove)."""
    post_webhook_url: str | None = None
    """Absolute http(s) URL for post-event webhooks (onXxxAdded/Updated/Removed, ...)."""
    filters: list[AccountWebhookFilter] | None = clearable_list()
    """The events sent; events not listed do not fire."""


class Account(Strict):
    """Settings that apply to the whole account."""

    sid: str | None = not_null()
    """The account this configuration belongs to (AC and 32 hex digits, usually ${VAR}): plan
    and apply refuse to run against any other account."""

    configuration: AccountConfiguration | None = not_null()
    """Default service, messaging service and timers."""
    webhooks: AccountWebhooks | None = not_null()
    """Account-wide webhook target, URLs and event filters."""


class Role(Strict):
    """A role of a conversation service; its name is its key under `roles:`."""

    type: RoleType = not_empty()
    """service roles apply in the service, conversation roles inside each conversation."""
    permissions: list[Permission]
    """Permissions granted; the documented lists differ between service and conversation roles."""


class ServiceConfiguration(Strict):
    """The service's default roles and reachability (/v1/Services/{IS}/Configuration)."""

    default_conversation_creator_role: RoleReference | None = not_null()
    """Conversation role given to a conversation's creator: a role name or RL... SID."""
    default_conversation_role: RoleReference | None = not_null()
    """Conversation role given to participants: a role name or RL... SID."""
    default_chat_service_role: RoleReference | None = not_null()
    """Service role given to new users: a role name or RL... SID."""
    reachability_enabled: bool | None = not_null()
    """Whether the Reachability Indicator is on."""


class WithMediaNotification(Strict):
    """Push notification for a new message with media."""

    enabled: bool | None = not_null()
    template: str | None = None
    """Notification text; write Twilio placeholders as $${MESSAGE}, $${PARTICIPANT}, ..."""


class NewMessageNotification(Strict):
    """Push notification for a new message."""

    enabled: bool | None = not_null()
    template: str | None = None
    """Notification text; write Twilio placeholders as $${MESSAGE}, $${PARTICIPANT}, ..."""
    sound: str | None = None
    """Name of the sound to play."""
    badge_count_enabled: bool | None = not_null()
    """Whether the app badge counts unread messages."""
    with_media: WithMediaNotification | None = not_null()
    """Notification for messages with media attachments."""


class ConversationNotification(Strict):
    """Push notification for being added to or removed from a conversation."""

    enabled: bool | None = not_null()
    template: str | None = None
    """Notification text; write Twilio placeholders as $${CONVERSATION}, ..."""
    sound: str | None = None
    """Name of the sound to play."""


class ServiceNotifications(Strict):
    """Push notification settings of a service (/v1/Services/{IS}/Configuration/Notifications)."""

    log_enabled: bool | None = not_null()
    """Whether notification logging is on."""
    new_message: NewMessageNotification | None = not_null()
    added_to_conversation: ConversationNotification | None = not_null()
    removed_from_conversation: ConversationNotification | None = not_null()


class ServiceWebhooks(Strict):
    """Webhooks of one service (/v1/Services/{IS}/Configuration/Webhooks)."""

    method: WebhookMethod | None = not_null()
    """HTTP method of the webhook requests."""
    pre_webhook_url: str | None = None
    """Absolute http(s) URL for pre-event webhooks."""
    post_webhook_url: str | None = None
    """Absolute http(s) URL for post-event webhooks."""
    filters: list[ServiceWebhookFilter] | None = clearable_list()
    """The events sent; events not listed do not fire."""


class Service(Strict):
    """A conversation service; its key under `services:` is how the rest of the config names it."""

    friendly_name: str | None = not_null()
    """Defaults to the service's key in `services:`; Twilio documents up to 256 characters."""
    sid: str | None = not_null()
    """Pins the live service by SID (needed when two live services share a name)."""
    roles: dict[str, Role] = Field(default_factory=dict)
    """Keyed by the role's friendly_name."""
    configuration: ServiceConfiguration | None = not_null()
    """Default roles and reachability."""
    notifications: ServiceNotifications | None = not_null()
    """Push notification templates and switches."""
    webhooks: ServiceWebhooks | None = not_null()
    """Service-level webhook URLs and event filters."""


class AutoCreation(Strict):
    """Whether and how inbound messages to the address auto-create a conversation."""

    enabled: bool | None = not_null()
    type: AutoCreationType | None = not_null()
    """webhook (needs webhook_url), studio (needs studio_flow_sid) or default."""
    conversation_service: ServiceReference | None = not_null()
    """Service of the new conversations: a key of `services:` or an IS... SID."""
    webhook_url: str | None = not_null()
    """type webhook: absolute http(s) URL of the conversation-scoped webhook."""
    webhook_method: WebhookMethod | None = not_null()
    """type webhook: HTTP method."""
    webhook_filters: list[AddressWebhookFilter] | None = clearable_list()
    """type webhook: the post-event events sent."""
    studio_flow_sid: str | None = not_null()
    """type studio: the Studio Flow, FW and 32 hex digits."""
    studio_retry_count: int | None = not_null()
    """type studio: how many times to retry the request."""


class AddressConfiguration(Strict):
    """Auto-creation settings of one address; identified by (type, address)."""

    type: AddressType = not_empty()
    """Channel of the address."""
    address: str = not_empty()
    """sms: +E164 or a short code; whatsapp: whatsapp:+E164; messenger: messenger:<page id>; ..."""
    friendly_name: str | None = None
    """Up to 256 characters, Twilio documents."""
    address_country: str | None = None
    """ISO 3166-1 alpha-2 country code, for short codes."""
    auto_creation: AutoCreation | None = not_null()


class Credential(Strict):
    """A push credential, identified by its friendly_name (default: its key)."""

    type: CredentialType = not_empty()
    """apn (certificate + private_key), fcm (secret) or gcm (api_key or secret)."""
    friendly_name: str | None = not_null()
    """Defaults to the credential's key in `credentials:`; Twilio documents up to 64 characters."""
    sandbox: bool | None = not_null()
    """apn only: send to the APNs sandbox."""
    certificate: SecretStr | None = not_null()
    """apn only: the certificate (PEM); write-only, usually ${VAR}."""
    private_key: SecretStr | None = not_null()
    """apn only: the private key (PEM); write-only, usually ${VAR}."""
    api_key: SecretStr | None = not_null()
    """gcm only: the API key; write-only, usually ${VAR}."""
    secret: SecretStr | None = not_null()
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
    prune_unknown_types: bool = False
    """Let prune delete live address configurations, credentials and roles of a type this
    version does not know. Off by default: such resources are kept (the plan lists them), unless
    the configuration itself uses that type."""
    strict: bool = False
    """Values outside this version's lists of Twilio's values, and text longer than Twilio
    documents, are errors rather than warnings (as with `--strict`)."""


class Config(Strict):
    """A Twilio Conversations configuration (reconciler format version 1)."""

    version: Literal[1]
    """Format version; always 1."""
    account: Account | None = not_null()
    """Account-wide configuration and webhooks."""
    services: dict[str, Service] = Field(default_factory=dict)
    """Conversation services by key (the key is the friendly_name unless one is given)."""
    address_configurations: list[AddressConfiguration] = Field(default_factory=list)
    """Addresses (SMS, WhatsApp, ...) that auto-create conversations."""
    credentials: dict[str, Credential] = Field(default_factory=dict)
    """Push credentials by key (the key is the friendly_name unless one is given)."""
    policy: Policy = Field(default_factory=Policy)
    """Pruning, protected services and change thresholds."""
