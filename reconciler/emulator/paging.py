"""Paging every API shares: token windows over a list in creation order.

Items are (creation sequence number, view or view maker) in creation order, so a page is
found by bisection and costs its size, not the list's; tokens carry a sequence number
(`<after prefix><n>`: the page after n, `PB<n>`: the page before n), so paging stays stable
while resources are created or deleted between pages.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlencode

from reconciler.emulator.form import invalid, query_int
from reconciler.emulator.records import Listing, View
from reconciler.emulator.routing import Request

Item = TypeVar("Item")
BEFORE = "PB"


def window(
    items: list[tuple[int, Item]], page: int, size: int, token: str, after: str
) -> tuple[list[tuple[int, Item]], bool, bool]:
    """The items of one page, and whether pages follow and precede it."""
    if token.startswith(after) and token[len(after) :].isdigit():
        start = bisect_right(items, int(token[len(after) :]), key=_sequence)
        return items[start : start + size], len(items) > start + size, start > 0
    if token.startswith(BEFORE) and token[len(BEFORE) :].isdigit():
        end = bisect_left(items, int(token[len(BEFORE) :]), key=_sequence)
        return items[max(end - size, 0) : end], end < len(items), end > size
    if token:
        raise invalid(f"Invalid value for PageToken: {token!r}")
    start = page * size
    return items[start : start + size], len(items) > start + size, page > 0 and bool(items)


def _sequence(item: tuple[int, object]) -> int:
    return item[0]


def meta_page(
    request: Request,
    items: Listing,
    key: str,
    render: Callable[[View], View],
    default_size: int,
    maximum: int,
    extra: list[tuple[str, str]] | None = None,
) -> tuple[int, View]:
    """One page of a v1 list, with Twilio's `meta` and absolute URLs; `extra` are the list's
    filters, repeated in every page URL. Tokens carry creation sequence numbers."""
    extra = extra or []
    query = request.query
    size = query_int(query, "PageSize", default_size, minimum=1)
    size = min(size, maximum)
    page = query_int(query, "Page", 0, minimum=0)
    token = (query.get("PageToken") or [""])[-1]
    chunk, has_next, has_previous = window(items, page, size, token, after="PT")
    url = request.base + request.path

    def link(page_number: int, page_token: str | None) -> str:
        params = [*extra, ("PageSize", str(size)), ("Page", str(page_number))]
        if page_token:
            params.append(("PageToken", page_token))
        return f"{url}?{urlencode(params)}"

    meta = {
        "page": page,
        "page_size": size,
        "first_page_url": link(0, None),
        "previous_page_url": link(max(page - 1, 0), f"PB{chunk[0][0]}")
        if has_previous and chunk
        else None,
        "url": link(page, token or None),
        "next_page_url": link(page + 1, f"PT{chunk[-1][0]}") if has_next and chunk else None,
        "key": key,
    }
    return 200, {key: [render(view()) for _, view in chunk], "meta": meta}


URI_DEFAULT_PAGE_SIZE = 50
URI_MAX_PAGE_SIZE = 1000


def uri_page(
    request: Request,
    items: Listing | list[tuple[int, View]],
    key: str,
    list_uri: str,
    filters: list[tuple[str, str]],
) -> View:
    """One page of a 2010-04-01 list: the metadata beside the items (`first_page_uri`,
    `next_page_uri`, `previous_page_uri`, `uri`, `page`, `page_size`, `start`, `end`), URIs
    relative to the API's host, up to 1,000 items a page (default 50). Tokens carry creation
    order (`PA<n>`: after n, `PB<n>`: before n), so paging stays stable while items are
    created."""
    size = min(query_int(request.query, "PageSize", URI_DEFAULT_PAGE_SIZE, 1), URI_MAX_PAGE_SIZE)
    page = query_int(request.query, "Page", 0, 0)
    token = (request.query.get("PageToken") or [""])[-1]
    chunk, has_next, has_previous = window(list(items), page, size, token, after="PA")

    def uri(page_number: int, page_token: str | None) -> str:
        params = [*filters, ("PageSize", str(size)), ("Page", str(page_number))]
        if page_token:
            params.append(("PageToken", page_token))
        return f"{list_uri}?{urlencode(params)}"

    start_index = page * size
    return {
        key: [item() if callable(item) else item for _, item in chunk],
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
