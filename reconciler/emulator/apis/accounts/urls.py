"""The 2010-04-01 Accounts API's routes, served on api.twilio.com (as the SDK's
``client.api`` addresses it); ``API`` is what registry.py lists."""

from __future__ import annotations

from reconciler.emulator.apis.accounts import responses
from reconciler.emulator.routing import Api, route

API = Api(
    name="accounts",
    subdomain="api",
    routes=(
        route(
            "/2010-04-01/Accounts.json",
            {"GET": responses.list_accounts, "POST": responses.create_account},
        ),
        route(
            "/2010-04-01/Accounts/{Sid}.json",
            {"GET": responses.fetch_account, "POST": responses.update_account},
        ),
    ),
)
