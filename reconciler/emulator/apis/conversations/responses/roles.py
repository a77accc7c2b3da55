"""/v1/Services/{IS}/Roles and /v1/Roles (the default service's roles).

Role writes count against the service's actions-per-second limit (``LIMIT``, on the routes).
"""

from __future__ import annotations

from reconciler.emulator.apis.conversations.responses.common import account, page
from reconciler.emulator.form import not_found
from reconciler.emulator.records import View
from reconciler.emulator.routing import ActionsLimit, Request, with_url

DEFAULT_SERVICE_PREFIX = "/v1/Roles"


def _scope(request: Request) -> tuple[str, str]:
    """(service SID, URL prefix): /v1/Roles is the default service's roles."""
    if request.path.startswith(DEFAULT_SERVICE_PREFIX):
        service_sid = account(request).configuration["default_chat_service_sid"]
        if not service_sid:
            raise not_found(request.path)
        return service_sid, DEFAULT_SERVICE_PREFIX
    service_sid = request.args[0]
    return service_sid, f"/v1/Services/{service_sid}/Roles"


def _limited_service(request: Request) -> str:
    """The service whose actions per second a role write counts against (`/v1/Roles`: the
    default service's; none yet: a key of its own)."""
    if request.path.startswith(DEFAULT_SERVICE_PREFIX):
        return account(request).configuration["default_chat_service_sid"] or ""
    return request.args[0]


LIMIT = ActionsLimit(_limited_service, "role creates, updates and deletes")


def _role_sid(request: Request) -> str:
    return request.args[-1]


def list_roles(request: Request) -> tuple[int, View]:
    service_sid, prefix = _scope(request)
    items = account(request).list_roles(service_sid, request.path)
    return page(request, items, "roles", lambda v: _render(request.base, prefix, v))


def create_role(request: Request) -> tuple[int, View]:
    service_sid, prefix = _scope(request)
    view = account(request).create_role(service_sid, request.path, request.form)
    return 201, _render(request.base, prefix, view)


def get_role(request: Request) -> tuple[int, View]:
    service_sid, prefix = _scope(request)
    view = account(request).get_role(service_sid, _role_sid(request), request.path)
    return 200, _render(request.base, prefix, view)


def update_role(request: Request) -> tuple[int, View]:
    service_sid, prefix = _scope(request)
    view = account(request).update_role(service_sid, _role_sid(request), request.path, request.form)
    return 200, _render(request.base, prefix, view)


def delete_role(request: Request) -> tuple[int, None]:
    service_sid, _ = _scope(request)
    account(request).delete_role(service_sid, _role_sid(request), request.path)
    return 204, None


def _render(base: str, prefix: str, view: View) -> View:
    return with_url(view, f"{base}{prefix}/{view['sid']}")
