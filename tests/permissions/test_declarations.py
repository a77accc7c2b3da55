"""Each kind's `access` declaration is what its code calls, and the table names them all.

Every kind's read, create, update and delete runs through the real SDK against the emulator,
and the routes the emulator counted are held against the endpoints the kind declares: a kind
that starts calling another endpoint fails here, before `reconciler permissions` could print
a policy that misses it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from twilio.rest import Client

from reconciler import kinds
from reconciler.emulator import registry
from reconciler.emulator.server import EmulatorServer
from reconciler.kinds import Kind
from reconciler.kinds.access import Endpoint
from reconciler.permissions import table

PREFIX = {"messaging": "/messaging.twilio.com", "studio": "/studio.twilio.com"}


def declared(kind: Kind) -> list[Endpoint]:
    access = kind.access
    checked = [read for check in access.checks for read in check.reads]
    return [
        *access.read,
        *access.also_read,
        *access.create,
        *access.update,
        *access.delete,
        *access.before_delete,
        *checked,
    ]


@pytest.mark.parametrize("kind", kinds.ALL_KINDS, ids=lambda kind: kind.name)
def test_every_declared_endpoint_is_served_and_has_a_permission(kind: Kind) -> None:
    served = {
        (api.subdomain, route.template, method)
        for api in registry.APIS
        for route in api.routes
        for method in route.methods
    }
    for endpoint in declared(kind):
        assert (endpoint.api, endpoint.path, endpoint.method) in served, endpoint
        assert table.permission(endpoint.api, endpoint.path, endpoint.method), endpoint


def routes_called(emulator: EmulatorServer, action: Callable[[], Any]) -> set[str]:
    emulator.reset_stats()
    action()
    return set(emulator.stats()["by_route"])


def as_routes(endpoints: tuple[Endpoint, ...]) -> set[str]:
    return {f"{e.method} {PREFIX.get(e.api, '')}{e.path}" for e in endpoints}


Step = tuple[str, Callable[[Any, str], Any]]

STEPS: dict[str, list[Step]] = {
    "service": [
        (
            "create",
            lambda v1, _: v1.created(
                kinds.SERVICE.create(v1, None, ("k",), {"friendly_name": "k"})
            ),
        ),
        ("delete", lambda v1, _: kinds.SERVICE.delete(v1, None, v1.last)),
    ],
    "role": [
        (
            "create",
            lambda v1, s: v1.created(
                kinds.ROLE.create(
                    v1, s, (s, "r"), {"type": "service", "permissions": ["createConversation"]}
                )
            ),
        ),
        (
            "update",
            lambda v1, s: kinds.ROLE.update(v1, s, v1.last, {"permissions": ["joinConversation"]}),
        ),
        ("delete", lambda v1, s: kinds.ROLE.delete(v1, s, v1.last)),
    ],
    "service_configuration": [
        (
            "update",
            lambda v1, s: kinds.SERVICE_CONFIGURATION.update(
                v1, s, None, {"reachability_enabled": True}
            ),
        )
    ],
    "service_notifications": [
        (
            "update",
            lambda v1, s: kinds.SERVICE_NOTIFICATIONS.update(v1, s, None, {"log_enabled": True}),
        )
    ],
    "service_webhooks": [
        ("update", lambda v1, s: kinds.SERVICE_WEBHOOKS.update(v1, s, None, {"method": "GET"}))
    ],
    "credential": [
        (
            "create",
            lambda v1, _: v1.created(
                kinds.CREDENTIAL.create(v1, None, ("c",), {"type": "fcm", "secret": "s3cret-value"})
            ),
        ),
        ("update", lambda v1, _: kinds.CREDENTIAL.update(v1, None, v1.last, {"sandbox": True})),
        ("delete", lambda v1, _: kinds.CREDENTIAL.delete(v1, None, v1.last)),
    ],
    "address_configuration": [
        (
            "create",
            lambda v1, _: v1.created(
                kinds.ADDRESS_CONFIGURATION.create(
                    v1, None, ("sms", "+15005550006"), {"friendly_name": "a"}
                )
            ),
        ),
        (
            "update",
            lambda v1, _: kinds.ADDRESS_CONFIGURATION.update(
                v1, None, v1.last, {"friendly_name": "b"}
            ),
        ),
        ("delete", lambda v1, _: kinds.ADDRESS_CONFIGURATION.delete(v1, None, v1.last)),
    ],
    "account_configuration": [
        (
            "update",
            lambda v1, _: kinds.ACCOUNT_CONFIGURATION.update(
                v1, None, None, {"default_inactive_timer": "PT5M"}
            ),
        )
    ],
    "account_webhooks": [
        ("update", lambda v1, _: kinds.ACCOUNT_WEBHOOKS.update(v1, None, None, {"method": "GET"}))
    ],
}
"""Each kind's writes, in an order that works (create first, delete last)."""


class Recorder:
    """The SDK's Conversations v1, remembering the SID a create answered."""

    def __init__(self, v1: Any) -> None:
        self._v1 = v1
        self.last = ""

    def created(self, sid: str) -> str:
        self.last = sid
        return sid

    def __getattr__(self, name: str) -> Any:
        return getattr(self._v1, name)


@pytest.mark.parametrize("kind", kinds.ALL_KINDS, ids=lambda kind: kind.name)
def test_a_kinds_calls_are_its_declared_endpoints(
    kind: Kind, emulator: EmulatorServer, sdk_client: Client
) -> None:
    v1 = Recorder(sdk_client.conversations.v1)
    service = sdk_client.conversations.v1.services.create(friendly_name="parent").sid
    parent = service if kind.parent else None
    assert routes_called(emulator, lambda: kind.read(v1, parent)) == as_routes(kind.access.read)
    steps = STEPS[kind.name]
    for action, step in steps:
        called = routes_called(emulator, lambda step=step: step(v1, service))  # type: ignore[misc]
        assert called == as_routes(getattr(kind.access, action)), (kind.name, action)
    assert {action for action, _ in steps} == {
        action for action in ("create", "update", "delete") if getattr(kind.access, action)
    }, "every declared write is exercised"
