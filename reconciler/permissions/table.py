"""Which permission of a restricted API key each endpoint needs: ONE table, read by the
emulator (which refuses what a key's policy does not grant) and by `reconciler permissions`
(which prints the policy a job needs), so that both agree and one edit corrects both.

Twilio names a permission `/twilio/<product>/<resource>/<action>`. The action follows from the
method and the shape of the path: a list answers GET with `list` and POST with `create`, an
instance GET with `read`, POST with `update` and DELETE with `delete`, and a singleton (a
settings document such as `/v1/Configuration`) GET with `read` and POST with `update`. A policy
may grant every action on a resource with `*` (`/twilio/studio/flows/*`).

Where the names come from (docs/emulator.md, "Restricted API keys"):

* Messaging Services, Studio Flows, phone numbers, accounts and API keys: the names Twilio
  publishes for restricted keys ("Permissions available with Restricted API keys", as the
  enumeration in dixahq/twilio-client's `ApiKey.scala` reproduces them: for example
  `/twilio/messaging/services/read`, `/twilio/studio/flows/list`,
  `/twilio/phone-numbers/active-numbers/list`, `/twilio/iam/api-keys/create`).
* Conversations: **assumed**. Twilio added Conversations (classic) permissions in July 2026
  (changelog "Restricted API Keys, Conversations (classic) permissions"), but their names are
  not in the reference material. The rows marked `assumed=True` follow the pattern of the
  published ones: the path's resource names in lower-case kebab case, a sub-resource joined to
  its parent with a dot (as `/twilio/messaging/services.phonenumbers` and
  `/twilio/studio/flows.revisions` are). Correct them here when Twilio's list is confirmed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

LIST: Final = "list"
INSTANCE: Final = "instance"
SINGLETON: Final = "singleton"

ACTIONS: Final[dict[tuple[str, str], str]] = {
    (LIST, "GET"): "list",
    (LIST, "POST"): "create",
    (INSTANCE, "GET"): "read",
    (INSTANCE, "POST"): "update",
    (INSTANCE, "DELETE"): "delete",
    (SINGLETON, "GET"): "read",
    (SINGLETON, "POST"): "update",
}
"""(shape of the path, HTTP method) -> the permission's action."""

WILDCARD: Final = "*"
MAX_PERMISSIONS: Final = 100
"""Documented: "Restricted API keys have a limit of 100 permissions"."""


@dataclass(frozen=True)
class Row:
    """One endpoint path and the resource permission it needs."""

    api: str
    """The Twilio subdomain the path is served on (`conversations`, `api`, `iam`, ...)."""
    template: str
    """The path, each SID a `{Sid}` (as the emulator's routes and the kinds spell it)."""
    resource: str
    """The permission without its action: `/twilio/conversations/services`."""
    shape: str
    assumed: bool = False


def _conversations(template: str, resource: str, shape: str = SINGLETON) -> Row:
    return Row("conversations", template, f"/twilio/conversations/{resource}", shape, True)


def _collection(api: str, template: str, resource: str, suffix: str = "") -> tuple[Row, Row]:
    """A list at `template` and its instances at `template/{Sid}` (before a `.json` suffix,
    the 2010-04-01 API's), both needing `resource`'s permissions."""
    assumed = api == "conversations"
    name = f"/twilio/conversations/{resource}" if assumed else resource
    return (
        Row(api, f"{template}{suffix}", name, LIST, assumed),
        Row(api, f"{template}/{{Sid}}{suffix}", name, INSTANCE, assumed),
    )


TABLE: Final[tuple[Row, ...]] = (
    # Conversations (classic): ASSUMED names, see the module's docstring.
    _conversations("/v1/Configuration", "configuration"),
    _conversations("/v1/Configuration/Webhooks", "configuration.webhooks"),
    *_collection("conversations", "/v1/Configuration/Addresses", "configuration.addresses"),
    *_collection("conversations", "/v1/Credentials", "credentials"),
    *_collection("conversations", "/v1/Services", "services"),
    _conversations("/v1/Services/{Sid}/Configuration", "services.configuration"),
    _conversations(
        "/v1/Services/{Sid}/Configuration/Notifications", "services.configuration.notifications"
    ),
    _conversations("/v1/Services/{Sid}/Configuration/Webhooks", "services.configuration.webhooks"),
    *_collection("conversations", "/v1/Services/{Sid}/Roles", "services.roles"),
    *_collection("conversations", "/v1/Roles", "roles"),
    *_collection("conversations", "/v1/Services/{Sid}/Conversations", "services.conversations"),
    *_collection("conversations", "/v1/Conversations", "conversations"),
    # Published names.
    *_collection("messaging", "/v1/Services", "/twilio/messaging/services"),
    *_collection("studio", "/v2/Flows", "/twilio/studio/flows"),
    *_collection(
        "api",
        "/2010-04-01/Accounts/{Sid}/IncomingPhoneNumbers",
        "/twilio/phone-numbers/active-numbers",
        ".json",
    ),
    *_collection("api", "/2010-04-01/Accounts", "/twilio/iam/accounts", ".json"),
    *_collection("iam", "/v1/Keys", "/twilio/iam/api-keys"),
)

_BY_PATH: Final[dict[tuple[str, str], Row]] = {(row.api, row.template): row for row in TABLE}


def permission(api: str, template: str, method: str) -> str | None:
    """The permission a request needs (None: no permission grants it, so a restricted key is
    always refused there)."""
    row = _BY_PATH.get((api, template))
    action = ACTIONS.get((row.shape, method.upper())) if row else None
    return f"{row.resource}/{action}" if row and action else None


ASSUMED_NOTE: Final = (
    "Names marked (assumed) are this version's assumption: Twilio has not published the "
    'Conversations permission names it uses (docs/emulator.md, "Restricted API keys").'
)


def assumed(name: str) -> bool:
    """A permission whose name is this table's assumption, not Twilio's published list."""
    resource = name.rsplit("/", 1)[0]
    return any(row.assumed and row.resource == resource for row in TABLE)


def grants(allowed: frozenset[str] | set[str], needed: str) -> bool:
    """Whether a policy's `allow` list grants `needed`: by name, or by its resource's `*`."""
    return needed in allowed or f"{needed.rsplit('/', 1)[0]}/{WILDCARD}" in allowed


_SID_SEGMENT = re.compile(r"^[A-Z]{2}[0-9a-fA-F]{32}(?=$|\.json$)")


def permission_for_request(method: str, url: str) -> str | None:
    """The permission a request to `url` needs, from Twilio's host (or the emulator's host
    prefix, `/messaging.twilio.com/...`) and the path with each SID as `{Sid}`."""
    parts = urlsplit(url)
    segments = parts.path.split("/")
    host = parts.hostname or ""
    if len(segments) > 1 and segments[1].endswith(".twilio.com"):
        host, segments = segments[1], ["", *segments[2:]]
    api = host.split(".")[0] if host.endswith("twilio.com") else "conversations"
    if api not in {row.api for row in TABLE}:
        api = "conversations"  # an emulator or proxy: Conversations is its unprefixed API
    template = "/".join(_SID_SEGMENT.sub("{Sid}", segment) for segment in segments)
    return permission(api, template, method)
