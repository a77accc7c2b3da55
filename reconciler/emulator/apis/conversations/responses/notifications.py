"""/v1/Services/{IS}/Configuration/Notifications: a service's push notifications."""

from __future__ import annotations

from reconciler.emulator.apis.conversations.responses.common import account
from reconciler.emulator.records import View
from reconciler.emulator.routing import Request, with_url


def get_notifications(request: Request) -> tuple[int, View]:
    view = account(request).get_notifications(request.args[0], request.path)
    return 200, with_url(view, request.base + request.path)


def post_notifications(request: Request) -> tuple[int, View]:
    view = account(request).update_notifications(request.args[0], request.path, request.form)
    return 200, with_url(view, request.base + request.path)
