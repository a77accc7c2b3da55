"""What every API's HTTP side is made of: the request a handler reads, the routes an API
declares, and the answers (JSON bodies, Twilio's error bodies) the app sends.

Transport-free, like the app: server.py does the socket work. An API package declares an
``Api`` (its Twilio subdomain and its routes); registry.py lists the APIs and picks the route
for a request.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from reconciler.emulator.apis.accounts.models import Directory, Principal
from reconciler.emulator.errors import TwilioCode, error_body
from reconciler.emulator.records import View

METHOD_ORDER = ("GET", "POST", "DELETE")


@dataclass
class Outcome:
    """What to send back; `drop` closes the connection without a response, `close` after it."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False
    close: bool = False


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    form: dict[str, list[str]]
    base: str
    """Scheme and host the client used: absolute URLs in answers start with it."""
    principal: Principal
    """Who the credentials are: the account (and kind of credential) the request acts as."""
    directory: Directory
    """Every account; an API's handler takes the state of `principal`'s account from it
    (Conversations URLs name no account: the credentials decide)."""
    args: tuple[str, ...] = ()


Handler = Callable[[Request], tuple[int, View | None]]
"""Answers one request: (status, rendered view), or (status, None) for an empty body."""


@dataclass(frozen=True)
class ActionsLimit:
    """Writes on a route count against Twilio's actions-per-second limit of one key."""

    key: Callable[[Request], str]
    """Which limit a write counts against (a service SID); called under the app's lock."""
    actions: str
    """What is limited, for the refusal's message ("role creates, updates and deletes")."""


@dataclass(frozen=True)
class Route:
    template: str
    pattern: re.Pattern[str]
    methods: Mapping[str, Handler]
    limit: ActionsLimit | None = None

    @property
    def allow(self) -> str:
        """The Allow header of a 405: the methods this path serves."""
        return ", ".join(method for method in METHOD_ORDER if method in self.methods)


def route(
    template: str, methods: Mapping[str, Handler], limit: ActionsLimit | None = None
) -> Route:
    """A route for a path template; each `{Sid}` matches one path segment."""
    pattern = "^" + re.escape(template).replace(re.escape("{Sid}"), "([^/]+)") + "$"
    return Route(template=template, pattern=re.compile(pattern), methods=methods, limit=limit)


@dataclass(frozen=True)
class Api:
    """One Twilio API: the subdomain the SDK addresses it on, and the paths it serves."""

    name: str
    subdomain: str
    """`conversations` for conversations.twilio.com: where two APIs serve the same path, the
    request's host picks by it (registry.py)."""
    routes: tuple[Route, ...]

    def match(self, path: str) -> tuple[Route, tuple[str, ...]] | None:
        """The route serving `path`, with its `{Sid}` segments (percent-decoded)."""
        for candidate in self.routes:
            found = candidate.pattern.match(path)
            if found:
                return candidate, tuple(unquote(arg) for arg in found.groups())
        return None


def json_outcome(status: int, payload: Any, headers: dict[str, str] | None = None) -> Outcome:
    body = json.dumps(payload).encode("utf-8")
    return Outcome(
        status=status,
        body=body,
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
    )


def error_outcome(
    code: TwilioCode,
    message: str,
    headers: dict[str, str] | None = None,
    status: int | None = None,
) -> Outcome:
    """Twilio's error body; `status` only for HTTP-level refusals that share a code."""
    answer = status or code.status
    return json_outcome(answer, {**error_body(code, message), "status": answer}, headers)


def with_url(view: View, url: str, links: dict[str, str] | None = None) -> View:
    """A model's view as Twilio answers it: with its absolute `url` (and `links`)."""
    rendered = dict(view)
    rendered["url"] = url
    if links is not None:
        rendered["links"] = links
    return rendered


def base_url(headers: Mapping[str, str]) -> str:
    """Scheme and host the client used: behind a TLS-terminating proxy the request arrives as
    http, and X-Forwarded-Proto says what the client spoke (headers are lower-cased here)."""
    host = headers.get("host") or "127.0.0.1"
    forwarded = (headers.get("x-forwarded-proto") or "").split(",")[0].strip().lower()
    scheme = forwarded if forwarded in ("http", "https") else "http"
    return f"{scheme}://{host}"
