"""Read everything an export writes: every kind, every service, in two concurrent waves."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reconciler import kinds
from reconciler.kinds import Kind, Resource
from reconciler.live.api import LiveApi

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


def _reader(kind: Kind, parent_sid: str | None) -> Callable[[Any], list[Resource]]:
    return lambda v1: kind.read(v1, parent_sid)


def read_account(api: LiveApi) -> AccountSnapshot:
    """Wave one lists the account-level kinds; wave two reads each service's parts.

    Every read is a list or a singleton fetch, so the wall time is about two round trips
    (bounded by the API's concurrency), whatever the number of services.
    """
    snapshot = AccountSnapshot(account_sid=str(getattr(api.client, "account_sid", "") or ""))
    results = api.gather(_reader(kind, None) for kind in ACCOUNT_KINDS)
    for kind, resources in zip(ACCOUNT_KINDS, results, strict=True):
        snapshot.account[kind.name] = resources

    service_sids = [str(service.sid) for service in snapshot.services]
    reads = [(sid, kind) for sid in service_sids for kind in kinds.SERVICE_CHILD_KINDS]
    results = api.gather(_reader(kind, sid) for sid, kind in reads)
    for (sid, kind), resources in zip(reads, results, strict=True):
        snapshot.per_service.setdefault(sid, {})[kind.name] = resources
    return snapshot
