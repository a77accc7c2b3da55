"""Conversations' routes (moto's urls.py): path template -> the resource's handlers.

Role and conversation writes count against Twilio's actions per second (their ``LIMIT``).

Served on conversations.twilio.com; ``API`` is what registry.py lists.
"""

from __future__ import annotations

from reconciler.emulator.apis.conversations.responses import (
    addresses,
    configuration,
    conversations,
    credentials,
    notifications,
    roles,
    service_configuration,
    service_webhooks,
    services,
    webhooks,
)
from reconciler.emulator.routing import Api, route

_ROLES = {"GET": roles.list_roles, "POST": roles.create_role}
_ROLE = {"GET": roles.get_role, "POST": roles.update_role, "DELETE": roles.delete_role}
_CONVERSATIONS = {
    "GET": conversations.list_conversations,
    "POST": conversations.create_conversation,
}
_CONVERSATION = {
    "GET": conversations.get_conversation,
    "POST": conversations.update_conversation,
    "DELETE": conversations.delete_conversation,
}

API = Api(
    name="conversations",
    subdomain="conversations",
    routes=(
        route(
            "/v1/Configuration",
            {"GET": configuration.get_configuration, "POST": configuration.post_configuration},
        ),
        route(
            "/v1/Configuration/Webhooks",
            {"GET": webhooks.get_webhooks, "POST": webhooks.post_webhooks},
        ),
        route(
            "/v1/Configuration/Addresses",
            {"GET": addresses.list_addresses, "POST": addresses.create_address},
        ),
        route(
            "/v1/Configuration/Addresses/{Sid}",
            {
                "GET": addresses.get_address,
                "POST": addresses.update_address,
                "DELETE": addresses.delete_address,
            },
        ),
        route(
            "/v1/Credentials",
            {"GET": credentials.list_credentials, "POST": credentials.create_credential},
        ),
        route(
            "/v1/Credentials/{Sid}",
            {
                "GET": credentials.get_credential,
                "POST": credentials.update_credential,
                "DELETE": credentials.delete_credential,
            },
        ),
        route("/v1/Services", {"GET": services.list_services, "POST": services.create_service}),
        route(
            "/v1/Services/{Sid}", {"GET": services.get_service, "DELETE": services.delete_service}
        ),
        route(
            "/v1/Services/{Sid}/Configuration",
            {
                "GET": service_configuration.get_service_configuration,
                "POST": service_configuration.post_service_configuration,
            },
        ),
        route(
            "/v1/Services/{Sid}/Configuration/Notifications",
            {
                "GET": notifications.get_notifications,
                "POST": notifications.post_notifications,
            },
        ),
        route(
            "/v1/Services/{Sid}/Configuration/Webhooks",
            {
                "GET": service_webhooks.get_service_webhooks,
                "POST": service_webhooks.post_service_webhooks,
            },
        ),
        route("/v1/Services/{Sid}/Roles", _ROLES, roles.LIMIT),
        route("/v1/Services/{Sid}/Roles/{Sid}", _ROLE, roles.LIMIT),
        route("/v1/Roles", _ROLES, roles.LIMIT),
        route("/v1/Roles/{Sid}", _ROLE, roles.LIMIT),
        route("/v1/Services/{Sid}/Conversations", _CONVERSATIONS, conversations.LIMIT),
        route("/v1/Services/{Sid}/Conversations/{Sid}", _CONVERSATION, conversations.LIMIT),
        route("/v1/Conversations", _CONVERSATIONS, conversations.LIMIT),
        route("/v1/Conversations/{Sid}", _CONVERSATION, conversations.LIMIT),
    ),
)
