"""Read everything an export writes: every kind, every service, in two concurrent waves."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reconciler import kinds
from reconciler.kinds import Kind, Resource
from reconciler.kinds.neighbours import NotReadable, unless_refused
from reconciler.live.api import LiveApi
from reconciler.live.retry import FORBIDDEN

ACCOUNT_KINDS: tuple[Kind, ...] = tuple(kind for kind in kinds.ALL_KINDS if kind.parent is None)
"""Read once per account: services, credentials, address configurations, account settings."""


@dataclass
class AccountSnapshot:
    """The live account as the kinds read it; references still hold SIDs."""

    account_sid: str
    account: dict[str, list[Resource]] = field(default_factory=dict)
    """Account-level resources by kind name (services included)."""
    per_service: dict[str, dict[str, list[Resource]]] = field(default_factory=dict)
    """Service SID -> kind name -> that service's resources of the kind."""

    @property
    def services(self) -> list[Resource]:
        return self.account.get(kinds.SERVICE.name, [])

    def of(self, kind: Kind) -> list[Resource]:
        return self.account.get(kind.name, [])

    def under(self, service_sid: str, kind: Kind) -> list[Resource]:
        return self.per_service.get(service_sid, {}).get(kind.name, [])


@dataclass(frozen=True)
class NotRead:
    """A read the credentials were refused (HTTP 403: a restricted key without the
    permission), left out of a lenient read."""

    kind: str
    parent_sid: str | None
    """The service whose part it is; None for an account-level kind."""
    reason: str
    """Twilio's code and message (which names the permission)."""


def _reader(
    kind: Kind, parent_sid: str | None, lenient: bool
) -> Callable[[Any], list[Resource] | NotReadable]:
    """A kind's read; lenient, a 403 (a permission the key lacks: not 401, credentials
    refused) is its result instead of an error."""

    def read(v1: Any) -> list[Resource] | NotReadable:
        if not lenient:
            return kind.read(v1, parent_sid)
        try:
            return unless_refused(kind.name, lambda: kind.read(v1, parent_sid), (FORBIDDEN,))
        except NotReadable as refused:
            return refused

    return read


def read_account(api: LiveApi, not_read: list[NotRead] | None = None) -> AccountSnapshot:
    """Wave one lists the account-level kinds; wave two reads each service's parts.

    Every read is a list or a singleton fetch, so the wall time is about two round trips
    (bounded by the API's concurrency), whatever the number of services. Given a `not_read`
    list, the read is lenient: a kind the credentials may not read (403) is left out of the
    snapshot and named there, instead of failing the whole read (doctor with a plan key).
    """
    lenient = not_read is not None
    snapshot = AccountSnapshot(account_sid=str(getattr(api.client, "account_sid", "") or ""))
    results = api.gather(_reader(kind, None, lenient) for kind in ACCOUNT_KINDS)
    for kind, resources in zip(ACCOUNT_KINDS, results, strict=True):
        if isinstance(resources, NotReadable):
            _refused(not_read, kind, None, resources)
        else:
            snapshot.account[kind.name] = resources

    service_sids = [str(service.sid) for service in snapshot.services]
    reads = [(sid, kind) for sid in service_sids for kind in kinds.SERVICE_CHILD_KINDS]
    results = api.gather(_reader(kind, sid, lenient) for sid, kind in reads)
    for (sid, kind), resources in zip(reads, results, strict=True):
        if isinstance(resources, NotReadable):
            _refused(not_read, kind, sid, resources)
        else:
            snapshot.per_service.setdefault(sid, {})[kind.name] = resources
    return snapshot


def _refused(
    not_read: list[NotRead] | None, kind: Kind, sid: str | None, refused: NotReadable
) -> None:
    if not_read is not None:
        reason = f"{refused.twilio_message or refused.what} ({refused.refusal})"
        not_read.append(NotRead(kind.name, sid, reason))
