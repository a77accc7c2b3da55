"""What every Conversations resource's HTTP side needs: the caller's state and v1 paging."""

from __future__ import annotations

from collections.abc import Callable

from reconciler.emulator import catalog
from reconciler.emulator.apis.conversations.models.account import Account
from reconciler.emulator.apis.conversations.models.state import MessagingCheck
from reconciler.emulator.form import not_found
from reconciler.emulator.paging import meta_page
from reconciler.emulator.records import Listing, View
from reconciler.emulator.routing import Request


def account(request: Request) -> Account:
    """The Conversations state of the credentials' own account (the URL names none)."""
    return request.directory.conversations(request.principal)


def messaging_check(request: Request) -> MessagingCheck:
    """Whether a Messaging Service SID is one of the account's: its Messaging API knows."""
    services = request.directory.own(request.principal).messaging.records
    return services.__contains__


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


def service_scope(request: Request, default_prefix: str, segment: str) -> tuple[str, str]:
    """(service SID, list URL path) of a service-scoped resource: `default_prefix`
    (`/v1/Roles`) is the default service's, `/v1/Services/{IS}/{segment}` any service's."""
    if request.path.startswith(default_prefix):
        service_sid = account(request).configuration["default_chat_service_sid"]
        if not service_sid:
            raise not_found(request.path)
        return service_sid, default_prefix
    service_sid = request.args[0]
    return service_sid, f"/v1/Services/{service_sid}/{segment}"


def limited_service(request: Request, default_prefix: str) -> str:
    """The service whose actions per second a write counts against (`default_prefix`: the
    default service's; none yet: a key of its own)."""
    if request.path.startswith(default_prefix):
        return account(request).configuration["default_chat_service_sid"] or ""
    return request.args[0]
