"""IncomingPhoneNumbers' routes, served on api.twilio.com beside the Accounts API."""

from __future__ import annotations

from reconciler.emulator.apis.incoming_phone_numbers import responses
from reconciler.emulator.routing import Api, route

API = Api(
    name="incoming_phone_numbers",
    subdomain="api",
    routes=(
        route(
            "/2010-04-01/Accounts/{Sid}/IncomingPhoneNumbers.json",
            {"GET": responses.list_numbers, "POST": responses.create_number},
        ),
        route(
            "/2010-04-01/Accounts/{Sid}/IncomingPhoneNumbers/{Sid}.json",
            {
                "GET": responses.fetch_number,
                "POST": responses.update_number,
                "DELETE": responses.delete_number,
            },
        ),
    ),
)
