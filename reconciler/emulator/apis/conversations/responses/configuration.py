"""/v1/Configuration: the account configuration."""

from __future__ import annotations

from reconciler.emulator.apis.conversations.responses.common import account, messaging_check
from reconciler.emulator.records import View
from reconciler.emulator.routing import Request, with_url


def get_configuration(request: Request) -> tuple[int, View]:
    return 200, _render(request.base, account(request).get_configuration())


def post_configuration(request: Request) -> tuple[int, View]:
    return 200, _render(
        request.base, account(request).update_configuration(request.form, messaging_check(request))
    )


def _render(base: str, view: View) -> View:
    """`links.service` is the default service's *configuration*, as the spec describes it
    ("URLs to access the webhook and default service configurations") and the docs show."""
    links = {"webhooks": f"{base}/v1/Configuration/Webhooks"}
    if view.get("default_chat_service_sid"):
        links["service"] = f"{base}/v1/Services/{view['default_chat_service_sid']}/Configuration"
    return with_url(view, f"{base}/v1/Configuration", links)
