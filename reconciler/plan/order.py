"""Dependency order: what others point at is created first and deleted last.

Level 0 creates services; level 1 writes roles and credentials; level 2 writes everything that
names a service or role (service settings, address configurations, the account's defaults), so
references are repointed before level 3 deletes roles, address configurations and credentials,
and level 4 deletes services. A replaced service is created at level 0 and its old self deleted
at level 4; a replaced role must be deleted before its name can be taken again, so both halves
run in one step at level 1 (at level 3 when it is a default role the plan repoints first).
"""

from __future__ import annotations

from reconciler import kinds
from reconciler.plan.model import Action

SERVICE_DELETE_LEVEL = 4

_WRITE_LEVEL = {
    kinds.SERVICE.name: 0,
    kinds.ROLE.name: 1,
    kinds.CREDENTIAL.name: 1,
    kinds.SERVICE_CONFIGURATION.name: 2,
    kinds.SERVICE_NOTIFICATIONS.name: 2,
    kinds.SERVICE_WEBHOOKS.name: 2,
    kinds.ADDRESS_CONFIGURATION.name: 2,
    kinds.ACCOUNT_CONFIGURATION.name: 2,
    kinds.ACCOUNT_WEBHOOKS.name: 2,
}
_DELETE_LEVEL = {kinds.SERVICE.name: SERVICE_DELETE_LEVEL}
DEFAULT_DELETE_LEVEL = 3
"""Deletes of everything but services; also a replaced default role whose default the plan
moves elsewhere (at level 2) first (see plan/policy.py)."""


def level_of(kind: str, action: Action) -> int:
    if action is Action.DELETE:
        return _DELETE_LEVEL.get(kind, DEFAULT_DELETE_LEVEL)
    return _WRITE_LEVEL[kind]


KIND_ORDER = {kind.name: index for index, kind in enumerate(kinds.ALL_KINDS)}


def sort_key(level: int, kind: str, label: str) -> tuple[int, int, str]:
    return (level, KIND_ORDER[kind], label)
