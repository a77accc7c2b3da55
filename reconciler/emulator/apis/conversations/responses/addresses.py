"""/v1/Configuration/Addresses: address configurations (list filtered by `Type`)."""

from __future__ import annotations

from reconciler.emulator import form
from reconciler.emulator.apis.conversations.responses.common import account, page
from reconciler.emulator.records import View
from reconciler.emulator.routing import Request, with_url


def list_addresses(request: Request) -> tuple[int, View]:
    address_type = form.one(request.query, "Type")
    extra = [("Type", address_type)] if address_type else []
    items = account(request).list_addresses(address_type)
    return page(request, items, "address_configurations", lambda v: _render(request.base, v), extra)


def create_address(request: Request) -> tuple[int, View]:
    return 201, _render(request.base, account(request).create_address(request.form))


def get_address(request: Request) -> tuple[int, View]:
    view = account(request).get_address(request.args[0], request.path)
    return 200, _render(request.base, view)


def update_address(request: Request) -> tuple[int, View]:
    view = account(request).update_address(request.args[0], request.path, request.form)
    return 200, _render(request.base, view)


def delete_address(request: Request) -> tuple[int, None]:
    account(request).delete_address(request.args[0], request.path)
    return 204, None


def _render(base: str, view: View) -> View:
    return with_url(view, f"{base}/v1/Configuration/Addresses/{view['sid']}")
