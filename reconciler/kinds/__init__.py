"""One module per resource kind: the only place that knows Twilio's parameter names and shapes."""

from __future__ import annotations

from reconciler.kinds.account_configuration import AccountConfigurationKind
from reconciler.kinds.account_webhooks import AccountWebhooksKind
from reconciler.kinds.address_configuration import AddressConfigurationKind
from reconciler.kinds.base import Field, Identity, Kind, Reference, Resource, survivor
from reconciler.kinds.credential import CredentialKind
from reconciler.kinds.role import BUILT_IN_ROLE_NAMES, RoleKind
from reconciler.kinds.service import Binding, ServiceKind, bind_services
from reconciler.kinds.service_configuration import ServiceConfigurationKind
from reconciler.kinds.service_notifications import ServiceNotificationsKind
from reconciler.kinds.service_webhooks import ServiceWebhooksKind

SERVICE = ServiceKind()
ROLE = RoleKind()
SERVICE_CONFIGURATION = ServiceConfigurationKind()
SERVICE_NOTIFICATIONS = ServiceNotificationsKind()
SERVICE_WEBHOOKS = ServiceWebhooksKind()
ACCOUNT_CONFIGURATION = AccountConfigurationKind()
ACCOUNT_WEBHOOKS = AccountWebhooksKind()
ADDRESS_CONFIGURATION = AddressConfigurationKind()
CREDENTIAL = CredentialKind()

ALL_KINDS: tuple[Kind, ...] = (
    SERVICE,
    ROLE,
    SERVICE_CONFIGURATION,
    SERVICE_NOTIFICATIONS,
    SERVICE_WEBHOOKS,
    CREDENTIAL,
    ADDRESS_CONFIGURATION,
    ACCOUNT_CONFIGURATION,
    ACCOUNT_WEBHOOKS,
)
KINDS_BY_NAME = {kind.name: kind for kind in ALL_KINDS}
SERVICE_CHILD_KINDS = tuple(kind for kind in ALL_KINDS if kind.parent == SERVICE.name)

__all__ = [
    "ALL_KINDS",
    "BUILT_IN_ROLE_NAMES",
    "KINDS_BY_NAME",
    "SERVICE_CHILD_KINDS",
    "Binding",
    "Field",
    "Identity",
    "Kind",
    "Reference",
    "Resource",
    "bind_services",
    "survivor",
]
