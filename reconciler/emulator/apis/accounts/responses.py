"""The HTTP face of the 2010-04-01 Accounts API: `/2010-04-01/Accounts.json` and
`/2010-04-01/Accounts/{Sid}.json`. The rules live in models.py; this module translates.

The 2010-04-01 API pages differently from Conversations v1: the list's metadata sits beside the
`accounts` key (`first_page_uri`, `next_page_uri`, `previous_page_uri`, `uri`, `page`,
`page_size`, `start`, `end`), URIs are relative to the API's host, and a page holds up to 1,000
items (default 50). The twilio SDK reads either shape; the emulator sends the one Twilio does.
"""

from __future__ import annotations

from urllib.parse import urlencode

from reconciler.emulator import form
from reconciler.emulator.apis.accounts.models import PREFIX
from reconciler.emulator.form import query_int
from reconciler.emulator.paging import window
from reconciler.emulator.records import View
from reconciler.emulator.routing import Request

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
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
    return 200, _page(request, items, filters)


def create_account(request: Request) -> tuple[int, View]:
    return 201, request.directory.create_account(request.principal, request.form)


def fetch_account(request: Request) -> tuple[int, View]:
    return 200, request.directory.fetch_account(request.principal, request.args[0])


def update_account(request: Request) -> tuple[int, View]:
    return 200, request.directory.update_account(request.principal, request.args[0], request.form)


def _page(request: Request, items: list[tuple[int, View]], filters: list[tuple[str, str]]) -> View:
    """One page in the 2010-04-01 shape. Tokens carry creation order (`PA<n>`: after n, `PB<n>`:
    before n), so paging stays stable while accounts are created."""
    size = min(query_int(request.query, "PageSize", DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE)
    page = query_int(request.query, "Page", 0, 0)
    token = form.one(request.query, "PageToken") or ""
    chunk, has_next, has_previous = window(items, page, size, token, after="PA")

    def uri(page_number: int, page_token: str | None) -> str:
        params = [*filters, ("PageSize", str(size)), ("Page", str(page_number))]
        if page_token:
            params.append(("PageToken", page_token))
        return f"{LIST_URI}?{urlencode(params)}"

    start_index = page * size
    return {
        "accounts": [view for _, view in chunk],
        "end": start_index + max(len(chunk) - 1, 0),
        "first_page_uri": uri(0, None),
        "next_page_uri": uri(page + 1, f"PA{chunk[-1][0]}") if has_next and chunk else None,
        "page": page,
        "page_size": size,
        "previous_page_uri": uri(max(page - 1, 0), f"PB{chunk[0][0]}")
        if has_previous and chunk
        else None,
        "start": start_index,
        "uri": uri(page, token or None),
    }
