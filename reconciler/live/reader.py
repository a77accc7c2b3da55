"""Read the live account: what the config manages plus what policy may prune, in bulk."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reconciler import kinds
from reconciler.config.models import Config
from reconciler.kinds import Kind, Reference, Resource
from reconciler.live.api import LiveApi

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

    @property
    def account_sid(self) -> str | None:
        """The account the API answered for (an API key reaches its own account only)."""
        for resource in self.of(kinds.ACCOUNT_CONFIGURATION.name):
            return resource.extra.get("account_sid")
        return None

    def of(self, kind: str) -> list[Resource]:
        return self.resources.get(kind, [])

    def service_key(self, sid: str | None) -> str | None:
        for key, service in self.bound.items():
            if service.sid == sid:
                return key
        return None

    def role_sids(self, service_key: str) -> dict[str, str]:
        """Role name -> SID for a bound service."""
        return {
            role.identity[1]: str(role.sid)
            for role in self.of(kinds.ROLE.name)
            if role.identity[0] == service_key
        }

    def to_name(self, reference: Reference, value: Any, service_key: str | None) -> Any:
        """A live SID as the name the config would use for it, when it has one."""
        if not isinstance(value, str):
            return value
        if reference is Reference.SERVICE:
            return self.service_key(value) or value
        if service_key is not None:
            for name, sid in self.role_sids(service_key).items():
                if sid == value:
                    return name
        return value

    def fingerprint(self) -> str:
        """Digest of everything read, so a saved plan can tell that the account moved."""
        records = sorted(
            json.dumps(
                [resource.kind, list(resource.identity), resource.sid, resource.values],
                sort_keys=True,
                default=str,
            )
            for resources in self.resources.values()
            for resource in resources
        )
        return hashlib.sha256("\n".join(records).encode()).hexdigest()


def read_live(api: LiveApi, config: Config, locate: Locate | None = None) -> LiveState:
    """Two waves of concurrent reads: account-level lists, then each managed service's parts."""
    state = LiveState()
    prune: set[str] = set(config.policy.prune)
    account_reads: list[tuple[Kind, Callable[[Any], list[Resource]]]] = [
        (kinds.SERVICE, lambda v1: kinds.SERVICE.read(v1, None)),
        (kinds.ACCOUNT_CONFIGURATION, lambda v1: kinds.ACCOUNT_CONFIGURATION.read(v1, None)),
    ]
    if config.account and config.account.webhooks:
        account_reads.append(
            (kinds.ACCOUNT_WEBHOOKS, lambda v1: kinds.ACCOUNT_WEBHOOKS.read(v1, None))
        )
    if config.address_configurations or "address_configurations" in prune:
        account_reads.append(
            (kinds.ADDRESS_CONFIGURATION, lambda v1: kinds.ADDRESS_CONFIGURATION.read(v1, None))
        )
    if config.credentials or "credentials" in prune:
        account_reads.append((kinds.CREDENTIAL, lambda v1: kinds.CREDENTIAL.read(v1, None)))

    results = api.gather(read for _, read in account_reads)
    for (kind, _), resources in zip(account_reads, results, strict=True):
        state.resources[kind.name] = resources
        state.read_kinds.add(kind.name)
    state.services = state.of(kinds.SERVICE.name)
    account_configuration = state.of(kinds.ACCOUNT_CONFIGURATION.name)
    if account_configuration:
        state.default_service_sid = account_configuration[0].values.get("default_service")

    binding = kinds.bind_services(kinds.SERVICE.desired(config), state.services, locate)
    state.bound, state.twins, state.superseded = binding.bound, binding.twins, binding.superseded
    for key, service in state.bound.items():
        service.identity = (key,)

    service_reads: list[tuple[Kind, str, Callable[[Any], list[Resource]]]] = []
    for key, service in state.bound.items():
        wanted = config.services[key]
        for kind in _service_kinds_to_read(wanted, prune):
            service_reads.append((kind, key, _reader(kind, service.sid)))
    results = api.gather(read for _, _, read in service_reads)
    for (kind, key, _), resources in zip(service_reads, results, strict=True):
        for resource in resources:
            resource.identity = (key, *resource.identity[1:])
            resource.label = ""
        state.resources.setdefault(kind.name, []).extend(resources)
        state.read_kinds.add(kind.name)
    return state


def _reader(kind: Kind, parent_sid: str | None) -> Callable[[Any], list[Resource]]:
    return lambda v1: kind.read(v1, parent_sid)


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
