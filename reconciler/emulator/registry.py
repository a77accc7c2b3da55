"""Which API answers a request: every API the emulator serves, and the rule that picks one.

One emulator URL serves every API (``--endpoint`` alone reaches them all). The real SDK
addresses each product on its own host (conversations.twilio.com, messaging.twilio.com,
studio.twilio.com, api.twilio.com), and Messaging's ``/v1/Services`` and Conversations' share a
path, so a request may name the Twilio host it means as its first path segment:
``http://127.0.0.1:4010/messaging.twilio.com/v1/Services`` is messaging.twilio.com's
``/v1/Services`` (reconciler.live.connection aims the SDK's domains there). A path prefix,
unlike a header, survives every HTTP client and proxy, and the URLs of the answers keep it, so
the SDK's next-page URLs come back to the same API.

Without a prefix a request is routed by its path: a path that one API serves goes to it,
whatever the host. Where several APIs serve the same path, the first label of the ``Host``
header decides (``messaging.…``, ``conversations.…``), and a host that names none of them gets
Conversations, the first API listed, so clients that only know Conversations keep working.

Adding an API: a package under apis/ whose urls.py declares ``API``, and one entry below.

A restricted API key may call a route only with the permission ``needed`` names
(reconciler.permissions.table: the one table of permission names, shared with the engine).
"""

from __future__ import annotations

import re

from reconciler.emulator.apis.accounts.urls import API as ACCOUNTS
from reconciler.emulator.apis.conversations.urls import API as CONVERSATIONS
from reconciler.emulator.apis.iam.urls import API as IAM
from reconciler.emulator.apis.incoming_phone_numbers.urls import API as INCOMING_PHONE_NUMBERS
from reconciler.emulator.apis.messaging.urls import API as MESSAGING
from reconciler.emulator.apis.studio.urls import API as STUDIO
from reconciler.emulator.routing import Api, Route
from reconciler.permissions import table

APIS: tuple[Api, ...] = (CONVERSATIONS, ACCOUNTS, MESSAGING, STUDIO, INCOMING_PHONE_NUMBERS, IAM)
"""Conversations first: it answers shared paths when the request names no host."""

TWILIO_HOST = re.compile(r"^/((?:[a-z0-9-]+\.)+twilio\.com)(/.*)?$", re.IGNORECASE)
"""A path that starts with a Twilio host: `/messaging.twilio.com/v1/Services`."""


def split_host(path: str) -> tuple[str | None, str]:
    """(the Twilio host a path names as its first segment, or None; the path after it)."""
    found = TWILIO_HOST.match(path)
    if found is None:
        return None, path
    return found.group(1).lower(), found.group(2) or "/"


def subdomain(host: str) -> str:
    """The Twilio product a host names: its first label (`messaging` of messaging.twilio.com
    or messaging.us1.twilio.com)."""
    return host.split(".", 1)[0].split(":", 1)[0].lower()


def match(host: str, path: str, named: bool = False) -> tuple[Route | None, tuple[str, ...]]:
    """The route for a request (None: no API serves the path), with its `{Sid}` segments.
    `named`: the request named its Twilio host in the path, so only that host's APIs serve it
    (messaging.twilio.com has no /v1/Configuration)."""
    found = [(api, hit) for api in APIS if (hit := api.match(path)) is not None]
    wanted = subdomain(host)
    if named:
        found = [item for item in found if item[0].subdomain == wanted]
    elif len(found) > 1:
        found = [item for item in found if item[0].subdomain == wanted] or found
    if not found:
        return None, ()
    return found[0][1]


_SUBDOMAIN_OF_ROUTE = {id(served): api.subdomain for api in APIS for served in api.routes}


def needed(route: Route, method: str) -> str | None:
    """The permission a restricted key needs for `method` on `route` (None: none grants it)."""
    return table.permission(_SUBDOMAIN_OF_ROUTE[id(route)], route.template, method)
