"""What every Conversations resource's HTTP side needs: the caller's state and v1 paging."""

from __future__ import annotations

from collections.abc import Callable

from reconciler.emulator import catalog
from reconciler.emulator.apis.conversations.models.account import Account
from reconciler.emulator.paging import meta_page
from reconciler.emulator.records import Listing, View
from reconciler.emulator.routing import Request


def account(request: Request) -> Account:
    """The Conversations state of the credentials' own account (the URL names none)."""
    return request.directory.conversations(request.principal)


def page(
    request: Request,
    items: Listing,
    key: str,
    render: Callable[[View], View],
    extra: list[tuple[str, str]] | None = None,
) -> tuple[int, View]:
    """One page of a Conversations list: 50 by default, at most the list's own maximum."""
    maximum = catalog.MAX_PAGE_SIZE[key]
    return meta_page(request, items, key, render, catalog.DEFAULT_PAGE_SIZE, maximum, extra)
