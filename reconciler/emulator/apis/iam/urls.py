"""IAM v1 API keys' routes, served on iam.twilio.com; ``API`` is what registry.py lists."""

from __future__ import annotations

from reconciler.emulator.apis.iam import responses
from reconciler.emulator.routing import Api, route

API = Api(
    name="iam",
    subdomain="iam",
    routes=(
        route("/v1/Keys", {"GET": responses.list_keys, "POST": responses.create_key}),
        route(
            "/v1/Keys/{Sid}",
            {
                "GET": responses.fetch_key,
                "POST": responses.update_key,
                "DELETE": responses.delete_key,
            },
        ),
    ),
)
