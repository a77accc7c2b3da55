"""Read the live account: what the config manages plus what policy may prune, in bulk."""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from reconciler import clock, kinds
from reconciler.config.models import Config
from reconciler.gc_pause import collector_paused
from reconciler.kinds import Kind, Reference, Resource
from reconciler.live.api import LiveApi
from reconciler.live.clock import POLL_SECONDS, read_until_second_passed, served_at

Locate = Callable[[tuple[str | int, ...]], str | None]


@dataclass
class LiveState:
    """The account as read, with live resources keyed by the config's identities."""

    resources: dict[str, list[Resource]] = field(default_factory=dict)
    services: list[Resource] = field(default_factory=list)
    bound: dict[str, Resource] = field(default_factory=dict)
    """Live service for each config service key that exists."""
    twins: dict[str, Resource] = field(default_factory=dict)
    """Unmanaged live services named like a managed one, by SID -> the survivor they twin."""
    superseded: dict[str, Resource] = field(default_factory=dict)
    """Config key -> its old pinned service that a cut-short replace already replaced."""
    default_service_sid: str | None = None
    read_kinds: set[str] = field(default_factory=set)
    """Kinds that were read (for services: per bound service)."""
    _index: _Index | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def account_sid(self) -> str | None:
        """The account the API answered for (an API key reaches its own account only)."""
        for resource in self.of(kinds.ACCOUNT_CONFIGURATION.name):
            return resource.extra.get("account_sid")
        return None

    def of(self, kind: str) -> list[Resource]:
        return self.resources.get(kind, [])

    def _indexed(self) -> _Index:
        """Lookups by SID, built once over what was read (rebuilt only if that changes)."""
        roles = self.of(kinds.ROLE.name)
        shape = (id(self.bound), len(self.bound), id(roles), len(roles))
        if self._index is None or self._index.shape != shape:
            self._index = _Index.build(shape, self.bound, roles)
        return self._index

    def service_key(self, sid: str | None) -> str | None:
        return self._indexed().service_keys.get(sid)

    def role_sids(self, service_key: str) -> dict[str, str]:
        """Role name -> SID for a bound service."""
        return dict(self._indexed().role_sids.get(service_key, {}))

    def to_name(self, reference: Reference, value: Any, service_key: str | None) -> Any:
        """A live SID as the name the config would use for it, when it has one."""
        if not isinstance(value, str):
            return value
        index = self._indexed()
        if reference is Reference.SERVICE:
            return index.service_keys.get(value) or value
        if service_key is not None:
            return index.role_names.get(service_key, {}).get(value, value)
        return value

    def fingerprint(self) -> str:
        """Digest of everything read, so a saved plan can tell that the account moved.

        The digest of the sorted records joined by newlines, fed to the hash one record at a
        time (one encoder for all, no joined copy of the whole account)."""
        encode = json.JSONEncoder(sort_keys=True, default=str).encode
        records = sorted(
            encode([resource.kind, list(resource.identity), resource.sid, resource.values])
            for resources in self.resources.values()
            for resource in resources
        )
        digest = hashlib.sha256()
        for index, record in enumerate(records):
            if index:
                digest.update(b"\n")
            digest.update(record.encode())
        return digest.hexdigest()


def read_live(
    api: LiveApi,
    config: Config,
    locate: Locate | None = None,
    settle_twins: bool = False,
) -> LiveState:
    """Concurrent reads: the account-level lists, and each managed service's parts as soon as
    the services list has arrived (alongside the rest of the account-level paging).

    With `settle_twins` (what apply reads before it writes), a managed service or credential
    created in the server's current second is read again once that second has passed: a
    concurrent run may be creating its twin in the same second, and the survivor every run
    agrees on (`kinds.survivor`) is only known then. Without it, apply could bind the twin
    whose creator is about to delete it (and point the account's default service at it)."""
    state = LiveState()
    prune: set[str] = set(config.policy.prune)

    def lister(kind: Kind) -> Callable[[Any], list[Resource]]:
        if settle_twins and kind.names_may_repeat:
            return _settled_reader(api, kind, config)
        return _reader(kind, None)

    account_reads: list[tuple[Kind, Callable[[Any], list[Resource]]]] = [
        (kinds.SERVICE, lister(kinds.SERVICE)),
        (kinds.ACCOUNT_CONFIGURATION, _reader(kinds.ACCOUNT_CONFIGURATION, None)),
    ]
    if config.account and config.account.webhooks:
        account_reads.append((kinds.ACCOUNT_WEBHOOKS, _reader(kinds.ACCOUNT_WEBHOOKS, None)))
    if config.address_configurations or "address_configurations" in prune:
        account_reads.append(
            (kinds.ADDRESS_CONFIGURATION, _reader(kinds.ADDRESS_CONFIGURATION, None))
        )
    if config.credentials or "credentials" in prune:
        account_reads.append((kinds.CREDENTIAL, lister(kinds.CREDENTIAL)))

    with collector_paused(), api.pool() as calls:
        account_futures = [(kind, calls.submit(read)) for kind, read in account_reads]
        services = account_futures[0][1].result()

        binding = kinds.bind_services(kinds.SERVICE.desired(config), services, locate)
        state.bound, state.twins, state.superseded = (
            binding.bound,
            binding.twins,
            binding.superseded,
        )
        for key, service in state.bound.items():
            service.identity = (key,)
        service_futures = [
            (kind, key, calls.submit(_reader(kind, service.sid)))
            for key, service in state.bound.items()
            for kind in _service_kinds_to_read(config.services[key], prune)
        ]

        for kind, future in account_futures:
            state.resources[kind.name] = future.result()
            state.read_kinds.add(kind.name)
        shared: dict[Hashable, dict[str, Any]] = {}
        for kind, key, future in service_futures:
            resources = future.result()
            for resource in resources:
                resource.values = _shared_values(resource.values, shared)
                # Names interned: one copy with the config's (its keys are), not one per read;
                # a role without a name (Twilio holds none) keeps its None.
                resource.identity = (key, *map(_interned, resource.identity[1:]))
                resource.label = ""
            state.resources.setdefault(kind.name, []).extend(resources)
            state.read_kinds.add(kind.name)

    state.services = state.of(kinds.SERVICE.name)
    account_configuration = state.of(kinds.ACCOUNT_CONFIGURATION.name)
    if account_configuration:
        state.default_service_sid = account_configuration[0].values.get("default_service")
    return state


def _interned(name: Any) -> Any:
    return sys.intern(name) if isinstance(name, str) else name


def _shared_values(
    values: dict[str, Any], shared: dict[Hashable, dict[str, Any]]
) -> dict[str, Any]:
    """One dict for all live resources whose values are equal (a large account's roles repeat a
    few permission sets tens of thousands of times), as `sys.intern` does for strings. Live
    values are a snapshot that nothing writes to. Values other than scalars and lists of text
    are kept as they are; scalars are keyed with their type (True is not 1)."""
    key = []
    for name, value in values.items():
        if type(value) is list:
            if not all(type(item) is str for item in value):
                return values
            value = tuple(value)
        elif type(value) not in _SCALARS:
            return values
        key.append((name, type(value), value))
    return shared.setdefault(tuple(key), values)


_SCALARS = frozenset({str, int, bool, type(None)})


def _reader(kind: Kind, parent_sid: str | None) -> Callable[[Any], list[Resource]]:
    return lambda v1: kind.read(v1, parent_sid)


def _settled_reader(api: LiveApi, kind: Kind, config: Config) -> Callable[[Any], list[Resource]]:
    """An account-level list whose managed names' survivors are final: read again (every
    quarter second, at most MAX_POLLS times) while the oldest resource of a managed name was
    created in the second the server's answer was served (or later, by a skewed clock)."""
    names = {kind.name_of(resource) for resource in kind.desired(config)}

    def youngest_survivor(resources: list[Resource]) -> str | None:
        """The latest of the managed names' oldest date_created (None: no managed name)."""
        oldest: dict[str, str] = {}
        for resource in resources:
            name = kind.name_of(resource)
            created = str(resource.extra.get("date_created") or "")
            if name in names and created and (name not in oldest or created < oldest[name]):
                oldest[name] = created
        return max(oldest.values(), default=None)

    return lambda v1: read_until_second_passed(
        lambda: kind.read(v1, None),
        lambda: served_at(api.last_headers()),
        youngest_survivor,
        lambda: POLL_SECONDS,
        clock.current().sleep,
    )


def _service_kinds_to_read(service: Any, prune: set[str]) -> list[Kind]:
    """Roles are read when managed, pruned or named by default roles; settings when managed."""
    configuration = service.configuration
    names_roles = configuration is not None and any(
        name.endswith("_role") for name in configuration.model_fields_set
    )
    wanted: list[Kind] = []
    if service.roles or "roles" in prune or names_roles:
        wanted += [kinds.ROLE, kinds.SERVICE_CONFIGURATION]
    elif configuration is not None and configuration.model_fields_set:
        wanted.append(kinds.SERVICE_CONFIGURATION)
    if service.notifications is not None and service.notifications.model_fields_set:
        wanted.append(kinds.SERVICE_NOTIFICATIONS)
    if service.webhooks is not None and service.webhooks.model_fields_set:
        wanted.append(kinds.SERVICE_WEBHOOKS)
    return wanted


@dataclass
class _Index:
    """SID lookups over a LiveState: one pass each, instead of a scan per lookup."""

    shape: tuple[int, ...]
    service_keys: dict[str | None, str]
    """Bound service SID -> config key."""
    role_sids: dict[str, dict[str, str]]
    """Config service key -> role name -> SID."""
    role_names: dict[str, dict[str, str]]
    """Config service key -> role SID -> role name (nested: no key tuple for each role)."""

    @classmethod
    def build(
        cls, shape: tuple[int, ...], bound: dict[str, Resource], roles: list[Resource]
    ) -> _Index:
        service_keys: dict[str | None, str] = {}
        for key, service in bound.items():
            service_keys.setdefault(service.sid, key)
        role_sids: dict[str, dict[str, str]] = {}
        role_names: dict[str, dict[str, str]] = {}
        for role in roles:
            service_key, name = role.identity[0], role.identity[1]
            if not isinstance(name, str):
                continue  # no name to use for it: a reference to it stays its SID
            role_sids.setdefault(service_key, {})[name] = str(role.sid)
            role_names.setdefault(service_key, {}).setdefault(str(role.sid), name)
        return cls(shape, service_keys, role_sids, role_names)
