"""/v1/Services: conversation services, with the links Twilio gives them."""

from __future__ import annotations

from reconciler.emulator.apis.conversations.responses.common import account, page
from reconciler.emulator.records import View
from reconciler.emulator.routing import Request, with_url

LINKS: tuple[tuple[str, str], ...] = (
    ("conversations", "Conversations"),
    ("users", "Users"),
    ("roles", "Roles"),
    ("bindings", "Bindings"),
    ("configuration", "Configuration"),
    ("participant_conversations", "ParticipantConversations"),
    ("conversation_with_participants", "ConversationWithParticipants"),
)
"""A service's `links`: name -> path segment under the service's URL."""


def list_services(request: Request) -> tuple[int, View]:
    items = account(request).list_services()
    return page(request, items, "services", lambda v: _render(request.base, v))


def create_service(request: Request) -> tuple[int, View]:
    return 201, _render(request.base, account(request).create_service(request.form))


def get_service(request: Request) -> tuple[int, View]:
    view = account(request).get_service(request.args[0], request.path)
    return 200, _render(request.base, view)


def delete_service(request: Request) -> tuple[int, None]:
    account(request).delete_service(request.args[0], request.path)
    return 204, None


def _render(base: str, view: View) -> View:
    url = f"{base}/v1/Services/{view['sid']}"
    return with_url(view, url, {name: f"{url}/{segment}" for name, segment in LINKS})
