"""Messaging Services' routes, served on messaging.twilio.com. `/v1/Services` is also a
Conversations path: the request's Twilio host decides between them (registry.py)."""

from __future__ import annotations

from reconciler.emulator.apis.messaging.responses import SERVICES
from reconciler.emulator.routing import Api, route

API = Api(
    name="messaging",
    subdomain="messaging",
    routes=(
        route("/v1/Services", SERVICES.list_handlers()),
        route("/v1/Services/{Sid}", SERVICES.instance_handlers()),
    ),
)
