"""Studio Flows' routes, served on studio.twilio.com."""

from __future__ import annotations

from reconciler.emulator.apis.studio.responses import FLOWS
from reconciler.emulator.routing import Api, route

API = Api(
    name="studio",
    subdomain="studio",
    routes=(
        route("/v2/Flows", FLOWS.list_handlers()),
        route("/v2/Flows/{Sid}", FLOWS.instance_handlers()),
    ),
)
