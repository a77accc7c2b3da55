"""/v1/Services/{IS}/Configuration/Webhooks: a service's webhooks."""

from __future__ import annotations

from reconciler.emulator.apis.conversations.responses.common import account
from reconciler.emulator.records import View
from reconciler.emulator.routing import Request, with_url


def get_service_webhooks(request: Request) -> tuple[int, View]:
    view = account(request).get_service_webhooks(request.args[0], request.path)
    return 200, with_url(view, request.base + request.path)


def post_service_webhooks(request: Request) -> tuple[int, View]:
    view = account(request).update_service_webhooks(request.args[0], request.path, request.form)
    return 200, with_url(view, request.base + request.path)
