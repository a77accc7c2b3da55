"""Address configurations: identified by (type, address); auto-creation settings are nested."""

from __future__ import annotations

from typing import Any

from reconciler.config import rules
from reconciler.config.models import Config
from reconciler.kinds.access import (
    PHONE_NUMBERS_LIST,
    STUDIO_FLOW_FETCH,
    Access,
    Check,
    collection,
)
from reconciler.kinds.base import (
    CLEAR_LIST,
    UNREAD_INSIDE,
    Compare,
    Field,
    Identity,
    Kind,
    Product,
    Reference,
    Resource,
    list_records,
    set_fields,
)

PAGE_SIZE = 50


class AddressConfigurationKind(Kind):
    name = "address_configuration"
    prune_name = "address_configurations"
    known_types = rules.ADDRESS_TYPES
    identity_fields = ("type", "address")
    phone_number_types: tuple[str, ...] = ("sms",)
    """Address types whose address is one of the account's own phone numbers (E.164)."""
    access = Access(
        **collection("/v1/Configuration/Addresses"),
        checks=(
            Check((STUDIO_FLOW_FETCH,), field="auto_creation.studio_flow_sid"),
            Check((PHONE_NUMBERS_LIST,), of_type="sms"),
        ),
    )
    fields = (
        Field("friendly_name", "FriendlyName", compare=Compare.TEXT),
        Field("address_country", "AddressCountry", immutable=True, compare=Compare.TEXT),
        Field("auto_creation.enabled", "AutoCreation.Enabled", compare=Compare.BOOL),
        Field("auto_creation.type", "AutoCreation.Type"),
        Field(
            "auto_creation.conversation_service",
            "AutoCreation.ConversationServiceSid",
            response="auto_creation.conversation_service_sid",
            reference=Reference.SERVICE,
        ),
        Field("auto_creation.webhook_url", "AutoCreation.WebhookUrl", compare=Compare.TEXT),
        Field("auto_creation.webhook_method", "AutoCreation.WebhookMethod", compare=Compare.UPPER),
        Field(
            "auto_creation.webhook_filters",
            "AutoCreation.WebhookFilters",
            compare=Compare.SET,
            clear_value=CLEAR_LIST,
        ),
        Field(
            "auto_creation.studio_flow_sid",
            "AutoCreation.StudioFlowSid",
            compare=Compare.TEXT,
            product=Product.STUDIO_FLOW,
        ),
        Field("auto_creation.studio_retry_count", "AutoCreation.StudioRetryCount"),
    )

    def type_of(self, resource: Resource) -> str | None:
        """The address type is the first part of the identity (type, address)."""
        return str(resource.identity[0])

    def desired(self, config: Config) -> list[Resource]:
        names = {spec.name for spec in self.fields}
        resources = []
        for index, address in enumerate(config.address_configurations):
            values = {name: value for name, value in set_fields(address).items() if name in names}
            resources.append(
                Resource(
                    kind=self.name,
                    identity=(address.type, address.address),
                    values=values,
                    label=_label(address.type, address.address),
                    source=("address_configurations", index),
                )
            )
        return resources

    def read(self, api: Any, parent_sid: str | None) -> list[Resource]:
        resources = []
        for record in list_records(api.address_configurations, PAGE_SIZE):
            address_type, address = record["type"], record["address"]
            resource = Resource(
                kind=self.name,
                identity=(address_type, address),
                values=self.live_values(record),
                sid=record["sid"],
                label=_label(address_type, address),
            )
            unread = self.unread_inside(record, resource)
            if unread:
                resource.extra = {UNREAD_INSIDE: unread}
            resources.append(resource)
        return resources

    def create(
        self, api: Any, parent_sid: str | None, identity: Identity, params: dict[str, Any]
    ) -> str:
        address_type, address = identity
        created = api.address_configurations.create(
            type=address_type, address=address, **self.sdk_arguments(params, creating=True)
        )
        return str(created.sid)

    def update(
        self, api: Any, parent_sid: str | None, sid: str | None, params: dict[str, Any]
    ) -> None:
        api.address_configurations(sid).update(**self.sdk_arguments(params))

    def delete(self, api: Any, parent_sid: str | None, sid: str) -> None:
        api.address_configurations(sid).delete()


def _label(address_type: Any, address: Any) -> str:
    """`sms:+15017122661`, or the address alone when it names its type (`whatsapp:+1...`); empty
    when Twilio holds no type or address, so that the resource is shown by its SID."""
    if not address_type or not address:
        return ""
    if str(address).startswith(f"{address_type}:"):
        return str(address)
    return f"{address_type}:{address}"
