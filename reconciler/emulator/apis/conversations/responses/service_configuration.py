"""/v1/Services/{IS}/Configuration: a service's default roles and reachability."""

from __future__ import annotations

from reconciler.emulator.apis.conversations.responses.common import account
from reconciler.emulator.records import View
from reconciler.emulator.routing import Request, with_url


def get_service_configuration(request: Request) -> tuple[int, View]:
    view = account(request).get_service_configuration(request.args[0], request.path)
    return 200, _render(request.base, view)


def post_service_configuration(request: Request) -> tuple[int, View]:
    view = account(request).update_service_configuration(
        request.args[0], request.path, request.form
    )
    return 200, _render(request.base, view)


def _render(base: str, view: View) -> View:
    url = f"{base}/v1/Services/{view['chat_service_sid']}/Configuration"
    links = {"notifications": f"{url}/Notifications", "webhooks": f"{url}/Webhooks"}
    return with_url(view, url, links)
