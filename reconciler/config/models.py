"""The desired state, as pydantic models of the YAML.

Field names follow Twilio's snake_case JSON names so users can map the docs onto the config;
where the API wants a SID, the config names the thing (`default_service`,
`default_conversation_role`, `conversation_service`) and a raw SID is accepted too. A field left
out is `None` and not in `model_fields_set`: it is not managed. A field set to `null` explicitly
is managed and cleared.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

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


class Strict(BaseModel):
    """Unknown keys are errors everywhere: a typo must never be silently unmanaged."""

    model_config = ConfigDict(extra="forbid", validate_assignment=False)


class AccountConfiguration(Strict):
    default_service: ServiceReference | None = None
    default_messaging_service_sid: str | None = None
    default_inactive_timer: str | None = None
    default_closed_timer: str | None = None


class AccountWebhooks(Strict):
    target: Literal["webhook", "flex"] | None = None
    method: WebhookMethod | None = None
    pre_webhook_url: str | None = None
    post_webhook_url: str | None = None
    filters: list[str] | None = None


class Account(Strict):
    configuration: AccountConfiguration | None = None
    webhooks: AccountWebhooks | None = None


class Role(Strict):
    type: RoleType
    permissions: list[str]


class ServiceConfiguration(Strict):
    default_conversation_creator_role: RoleReference | None = None
    default_conversation_role: RoleReference | None = None
    default_chat_service_role: RoleReference | None = None
    reachability_enabled: bool | None = None


class WithMediaNotification(Strict):
    enabled: bool | None = None
    template: str | None = None


class NewMessageNotification(Strict):
    enabled: bool | None = None
    template: str | None = None
    sound: str | None = None
    badge_count_enabled: bool | None = None
    with_media: WithMediaNotification | None = None


class ConversationNotification(Strict):
    enabled: bool | None = None
    template: str | None = None
    sound: str | None = None


class ServiceNotifications(Strict):
    log_enabled: bool | None = None
    new_message: NewMessageNotification | None = None
    added_to_conversation: ConversationNotification | None = None
    removed_from_conversation: ConversationNotification | None = None


class ServiceWebhooks(Strict):
    method: WebhookMethod | None = None
    pre_webhook_url: str | None = None
    post_webhook_url: str | None = None
    filters: list[str] | None = None


class Service(Strict):
    friendly_name: str | None = None
    """Defaults to the service's key in `services:`."""
    sid: str | None = None
    """Pins the live service by SID (needed when two live services share a name)."""
    roles: dict[str, Role] = Field(default_factory=dict)
    """Keyed by the role's friendly_name."""
    configuration: ServiceConfiguration | None = None
    notifications: ServiceNotifications | None = None
    webhooks: ServiceWebhooks | None = None


class AutoCreation(Strict):
    enabled: bool | None = None
    type: AutoCreationType | None = None
    conversation_service: ServiceReference | None = None
    webhook_url: str | None = None
    webhook_method: WebhookMethod | None = None
    webhook_filters: list[str] | None = None
    studio_flow_sid: str | None = None
    studio_retry_count: int | None = None


class AddressConfiguration(Strict):
    type: AddressType
    address: str
    friendly_name: str | None = None
    address_country: str | None = None
    auto_creation: AutoCreation | None = None


class Credential(Strict):
    type: CredentialType
    friendly_name: str | None = None
    """Defaults to the credential's key in `credentials:`."""
    sandbox: bool | None = None
    certificate: SecretStr | None = None
    private_key: SecretStr | None = None
    api_key: SecretStr | None = None
    secret: SecretStr | None = None


class Policy(Strict):
    prune: list[PrunableKind] = Field(default_factory=list)
    """Live resources of these kinds that the config does not name are deleted."""
    protected_services: list[ServiceReference] = Field(default_factory=list)
    """Never deleted or replaced, even with --allow-destroy."""
    max_change_fraction: float = Field(default=0.3, gt=0, le=1)
    """Changing or deleting more than this share of a kind's existing resources needs --force."""


class Config(Strict):
    version: Literal[1]
    account: Account | None = None
    services: dict[str, Service] = Field(default_factory=dict)
    address_configurations: list[AddressConfiguration] = Field(default_factory=list)
    credentials: dict[str, Credential] = Field(default_factory=dict)
    policy: Policy = Field(default_factory=Policy)
