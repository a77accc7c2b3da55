"""Which API answers a request: every API the emulator serves, and the rule that picks one.

One emulator URL serves every API (``--endpoint`` alone reaches them all), so a request is
routed by its path first: a path that one API serves goes to it, whatever the host. Where
several APIs serve the same path (Messaging's ``/v1/Services`` and Conversations'), the host
decides: its first label is the Twilio subdomain the SDK addressed (``messaging.…``,
``conversations.…``); a host that names none of them gets the first API listed.

Adding an API: a package under apis/ whose urls.py declares ``API``, and one entry below.
"""

from __future__ import annotations

from reconciler.emulator.apis.accounts.urls import API as ACCOUNTS
from reconciler.emulator.apis.conversations.urls import API as CONVERSATIONS
from reconciler.emulator.routing import Api, Route

APIS: tuple[Api, ...] = (CONVERSATIONS, ACCOUNTS)


def match(host: str, path: str) -> tuple[Route | None, tuple[str, ...]]:
    """The route for a request (None: no API serves the path), with its `{Sid}` segments."""
    found = [(api, hit) for api in APIS if (hit := api.match(path)) is not None]
    if not found:
        return None, ()
    if len(found) > 1:
        subdomain = host.split(".", 1)[0].split(":", 1)[0].lower()
        found = [item for item in found if item[0].subdomain == subdomain] or found
    return found[0][1]
