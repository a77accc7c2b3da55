"""/v1/Configuration/Webhooks: the account webhooks."""

from __future__ import annotations

from reconciler.emulator.apis.conversations.responses.common import account
from reconciler.emulator.records import View
from reconciler.emulator.routing import Request, with_url


def get_webhooks(request: Request) -> tuple[int, View]:
    view = account(request).get_webhooks()
    return 200, with_url(view, f"{request.base}/v1/Configuration/Webhooks")


def post_webhooks(request: Request) -> tuple[int, View]:
    view = account(request).update_webhooks(request.form)
    return 200, with_url(view, f"{request.base}/v1/Configuration/Webhooks")
