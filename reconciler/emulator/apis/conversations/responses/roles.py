"""/v1/Services/{IS}/Roles and /v1/Roles (the default service's roles).

Role writes count against the service's actions-per-second limit (``LIMIT``, on the routes).
"""

from __future__ import annotations

from reconciler.emulator.apis.conversations.responses.common import (
    account,
    limited_service,
    page,
    service_scope,
)
from reconciler.emulator.records import View
from reconciler.emulator.routing import ActionsLimit, Request, with_url

DEFAULT_SERVICE_PREFIX = "/v1/Roles"


def _scope(request: Request) -> tuple[str, str]:
    """(service SID, URL prefix): /v1/Roles is the default service's roles."""
    return service_scope(request, DEFAULT_SERVICE_PREFIX, "Roles")


def _limited_service(request: Request) -> str:
    return limited_service(request, DEFAULT_SERVICE_PREFIX)


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
