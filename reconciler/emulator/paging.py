"""Paging every API shares: token windows over a list in creation order.

Items are (creation sequence number, view or view maker) in creation order, so a page is
found by bisection and costs its size, not the list's; tokens carry a sequence number
(`<after prefix><n>`: the page after n, `PB<n>`: the page before n), so paging stays stable
while resources are created or deleted between pages.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import TypeVar

from reconciler.emulator.form import invalid

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
