"""Paging both APIs share: page size and number from the query, and token windows.

Items are (creation sequence number, view or view maker) in creation order, so a page is
found by bisection and costs its size, not the list's; tokens carry a sequence number
(`<after prefix><n>`: the page after n, `PB<n>`: the page before n), so paging stays stable
while resources are created or deleted between pages.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from typing import TypeVar

from reconciler.emulator.models import invalid

Item = TypeVar("Item")
BEFORE = "PB"


def query_int(query: Mapping[str, list[str]], name: str, default: int, minimum: int) -> int:
    """An integer query parameter (the last one given), refused as Twilio does when malformed."""
    values = query.get(name)
    if not values:
        return default
    try:
        number = int(values[-1])
    except ValueError:
        raise invalid(f"Invalid value for {name}: {values[-1]!r} is not an integer") from None
    if number < minimum:
        raise invalid(f"Invalid value for {name}: must be at least {minimum}")
    return number


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
