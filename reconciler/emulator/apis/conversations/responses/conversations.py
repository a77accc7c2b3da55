"""/v1/Services/{IS}/Conversations and /v1/Conversations (the default service's).

Writes count against Twilio's actions per second (``LIMIT``, on the routes) as Conversations'
limits page says: creates and deletes against the service, updates against the conversation.
A conversation's `messaging_service_sid` must be one of the account's Messaging Services,
which the Messaging API of the same account holds.
"""

from __future__ import annotations

from reconciler.emulator.apis.conversations.responses.common import (
    account,
    limited_service,
    messaging_check,
    page,
    service_scope,
)
from reconciler.emulator.records import View
from reconciler.emulator.routing import ActionsLimit, Request, with_url

DEFAULT_SERVICE_PREFIX = "/v1/Conversations"
LINKS = (
    ("participants", "Participants"),
    ("messages", "Messages"),
    ("webhooks", "Webhooks"),
    ("export", "Export"),
)


def _scope(request: Request) -> tuple[str, str]:
    return service_scope(request, DEFAULT_SERVICE_PREFIX, "Conversations")


def _key(request: Request) -> str:
    return request.args[-1]


def _limited(request: Request) -> str:
    """Creates and deletes count against the service, updates against the conversation."""
    service_sid = limited_service(request, DEFAULT_SERVICE_PREFIX)
    is_instance = len(request.args) == (1 if request.path.startswith(DEFAULT_SERVICE_PREFIX) else 2)
    if request.method == "POST" and is_instance:
        return account(request).conversation_sid(service_sid, _key(request))
    return service_sid


LIMIT = ActionsLimit(_limited, "conversation writes")


def list_conversations(request: Request) -> tuple[int, View]:
    service_sid, prefix = _scope(request)
    items = account(request).list_conversations(service_sid, request.path, request.query)
    extra = [
        (name, values[-1])
        for name in ("StartDate", "EndDate", "State")
        if (values := request.query.get(name))
    ]
    return page(request, items, "conversations", lambda v: _render(request.base, prefix, v), extra)


def create_conversation(request: Request) -> tuple[int, View]:
    service_sid, prefix = _scope(request)
    view = account(request).create_conversation(
        service_sid, request.path, request.form, messaging_check(request)
    )
    return 201, _render(request.base, prefix, view)


def get_conversation(request: Request) -> tuple[int, View]:
    service_sid, prefix = _scope(request)
    view = account(request).get_conversation(service_sid, _key(request), request.path)
    return 200, _render(request.base, prefix, view)


def update_conversation(request: Request) -> tuple[int, View]:
    service_sid, prefix = _scope(request)
    view = account(request).update_conversation(
        service_sid, _key(request), request.path, request.form, messaging_check(request)
    )
    return 200, _render(request.base, prefix, view)


def delete_conversation(request: Request) -> tuple[int, None]:
    service_sid, _ = _scope(request)
    account(request).delete_conversation(service_sid, _key(request), request.path)
    return 204, None


def _render(base: str, prefix: str, view: View) -> View:
    url = f"{base}{prefix}/{view['sid']}"
    return with_url(view, url, {name: f"{url}/{segment}" for name, segment in LINKS})
