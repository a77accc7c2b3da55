"""The HTTP face of the 2010-04-01 Accounts API: `/2010-04-01/Accounts.json` and
`/2010-04-01/Accounts/{Sid}.json`. The rules live in models.py; this module translates.

The 2010-04-01 API pages differently from Conversations v1: the list's metadata sits beside the
`accounts` key (`first_page_uri`, `next_page_uri`, `previous_page_uri`, `uri`, `page`,
`page_size`, `start`, `end`), URIs are relative to the API's host, and a page holds up to 1,000
items (default 50). The twilio SDK reads either shape; the emulator sends the one Twilio does.
"""

from __future__ import annotations

from reconciler.emulator import form
from reconciler.emulator.apis.accounts.models import PREFIX
from reconciler.emulator.paging import uri_page
from reconciler.emulator.records import View
from reconciler.emulator.routing import Request

LIST_URI = f"{PREFIX}.json"


def list_accounts(request: Request) -> tuple[int, View]:
    friendly_name = form.one(request.query, "FriendlyName")
    status = form.one(request.query, "Status")
    items = request.directory.list_accounts(request.principal, friendly_name, status)
    filters = [
        (name, value)
        for name, value in (("FriendlyName", friendly_name), ("Status", status))
        if value is not None
    ]
    return 200, uri_page(request, items, "accounts", LIST_URI, filters)


def create_account(request: Request) -> tuple[int, View]:
    return 201, request.directory.create_account(request.principal, request.form)


def fetch_account(request: Request) -> tuple[int, View]:
    return 200, request.directory.fetch_account(request.principal, request.args[0])


def update_account(request: Request) -> tuple[int, View]:
    return 200, request.directory.update_account(request.principal, request.args[0], request.form)
