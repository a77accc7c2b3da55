"""/v1/Credentials: push credentials."""

from __future__ import annotations

from reconciler.emulator.apis.conversations.responses.common import account, page
from reconciler.emulator.records import View
from reconciler.emulator.routing import Request, with_url


def list_credentials(request: Request) -> tuple[int, View]:
    items = account(request).list_credentials()
    return page(request, items, "credentials", lambda v: _render(request.base, v))


def create_credential(request: Request) -> tuple[int, View]:
    return 201, _render(request.base, account(request).create_credential(request.form))


def get_credential(request: Request) -> tuple[int, View]:
    view = account(request).get_credential(request.args[0], request.path)
    return 200, _render(request.base, view)


def update_credential(request: Request) -> tuple[int, View]:
    view = account(request).update_credential(request.args[0], request.path, request.form)
    return 200, _render(request.base, view)


def delete_credential(request: Request) -> tuple[int, None]:
    account(request).delete_credential(request.args[0], request.path)
    return 204, None


def _render(base: str, view: View) -> View:
    return with_url(view, f"{base}/v1/Credentials/{view['sid']}")
