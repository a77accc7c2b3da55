"""What each kind's calls reach, as endpoints: the declaration `reconciler permissions` turns
into the permissions a restricted API key needs (reconciler.permissions.table names them).

Endpoints are spelled as the emulator's routes are: the Twilio subdomain, the path with each
SID a `{Sid}`, and the method. `tests/permissions` holds every kind's declaration against the
requests its reads and writes actually make, so a declaration cannot drift from the code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypedDict


@dataclass(frozen=True)
class Endpoint:
    """One request shape: `Endpoint("conversations", "/v1/Services", "GET")`."""

    api: str
    path: str
    method: str


def conversations(path: str, *methods: str) -> tuple[Endpoint, ...]:
    """Conversations' endpoints of one path (conversations.twilio.com)."""
    return tuple(Endpoint("conversations", path, method) for method in methods)


class Crud(TypedDict):
    """A list resource's `Access` fields (`collection`)."""

    read: tuple[Endpoint, ...]
    create: tuple[Endpoint, ...]
    update: tuple[Endpoint, ...]
    delete: tuple[Endpoint, ...]


def collection(path: str) -> Crud:
    """A Conversations list resource's reads and writes: list and create at `path`, update
    and delete at `path/{Sid}` (`Access(**collection("/v1/Credentials"))`)."""
    return {
        "read": conversations(path, "GET"),
        "create": conversations(path, "POST"),
        "update": conversations(f"{path}/{{Sid}}", "POST"),
        "delete": conversations(f"{path}/{{Sid}}", "DELETE"),
    }


MESSAGING_SERVICE_FETCH = Endpoint("messaging", "/v1/Services/{Sid}", "GET")
"""`client.messaging.v1.services(MG).fetch()`: does the named Messaging Service exist."""
STUDIO_FLOW_FETCH = Endpoint("studio", "/v2/Flows/{Sid}", "GET")
"""`client.studio.v2.flows(FW).fetch()`: does the named flow exist, is it published."""
PHONE_NUMBERS_LIST = Endpoint("api", "/2010-04-01/Accounts/{Sid}/IncomingPhoneNumbers.json", "GET")
"""`client.api.v2010.incoming_phone_numbers.list(phone_number=...)`: is an SMS address one of
the account's numbers."""
SERVICE_CONVERSATIONS_LIST = Endpoint("conversations", "/v1/Services/{Sid}/Conversations", "GET")
"""One page of a service's conversations: what deleting or replacing it destroys."""


@dataclass(frozen=True)
class Check:
    """Reads a plan makes to check a desired resource against its neighbours (other products
    it names): made when `field` is set (or, without one, for every resource) and the
    resource's type is `of_type` (any type when None)."""

    reads: tuple[Endpoint, ...]
    field: str | None = None
    of_type: str | None = None


@dataclass(frozen=True)
class Access:
    """The endpoints a kind's `read`, `create`, `update` and `delete` call, the checks a plan
    makes of its desired resources, and the reads a plan makes before deleting one of its
    resources (`before_delete`: a service's conversations, counted). What a plan reads of the
    kind is `read` (and `also_read`); the plan reads it when the configuration declares or
    prunes it, when a reference names it, or `always_read`."""

    read: tuple[Endpoint, ...] = ()
    also_read: tuple[Endpoint, ...] = ()
    """Read by a plan with this kind (roles: their service's configuration, whose default
    roles a prune must keep)."""
    always_read: bool = False
    """Every plan reads this kind, whatever the configuration (services, to bind to; the
    account configuration, the account SID and default service)."""
    create: tuple[Endpoint, ...] = ()
    update: tuple[Endpoint, ...] = ()
    delete: tuple[Endpoint, ...] = ()
    checks: tuple[Check, ...] = ()
    before_delete: tuple[Endpoint, ...] = ()
    replaceable: Callable[[Any], bool] | None = None
    """Whether a plan may replace (delete, then create) this desired resource (a
    `kinds.base.Resource`, which imports this module); None: when it sets a field that cannot
    change in place (`Field.immutable`), which may differ live."""
