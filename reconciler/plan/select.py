"""`--only`: a partial plan, as Terraform's `-target` makes one.

Everything is still read and every reference still resolves; only the changes inside the
selection (and what they need: a new service their roles live in, a new role a default names)
are kept, so prune deletes nothing outside it. Selectors are config paths:

    services                          every service and everything in it
    services.KEY                      one service, its roles and settings
    services.KEY.roles[.NAME]         its roles, or one role
    services.KEY.configuration|notifications|webhooks
    roles | credentials | address_configurations   every resource of that kind
    credentials.KEY                   one credential
    address_configurations.ADDRESS    one address (as written: +1..., whatsapp:+1...)
    account[.configuration|.webhooks] the account-level settings
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from reconciler import kinds
from reconciler.config.models import Config
from reconciler.errors import ReconcilerError
from reconciler.kinds import Reference
from reconciler.plan.model import Action, Change

Path = tuple[str, ...]
SERVICE_SECTIONS = {
    kinds.SERVICE_CONFIGURATION.name: "configuration",
    kinds.SERVICE_NOTIFICATIONS.name: "notifications",
    kinds.SERVICE_WEBHOOKS.name: "webhooks",
}
KIND_SELECTORS = {
    "roles": kinds.ROLE.name,
    "credentials": kinds.CREDENTIAL.name,
    "address_configurations": kinds.ADDRESS_CONFIGURATION.name,
}


class SelectorError(ReconcilerError):
    """An --only selector that names nothing in the configuration."""


def parse_selectors(selectors: Sequence[str], config: Config) -> list[Path]:
    """Each selector as a path, checked against the configuration's keys."""
    paths = []
    for selector in selectors:
        path = _split(selector)
        problem = _problem(path, config)
        if problem:
            raise SelectorError(f"--only {selector!r}: {problem}")
        paths.append(path)
    return paths


def _split(selector: str) -> Path:
    """Dots separate parts, except inside an address (`address_configurations.+1555...`)."""
    head, _, rest = selector.strip().partition(".")
    if head == "address_configurations" and rest:
        return (head, rest)
    if head == "services" and rest:
        key, _, tail = rest.partition(".")
        section, _, name = tail.partition(".")
        return tuple(part for part in (head, key, section, name) if part)
    return tuple(part for part in (head, *rest.split(".")) if part) if rest else (head,)


def _problem(path: Path, config: Config) -> str | None:
    head = path[0]
    allowed = (
        "services[.KEY[.roles[.NAME]]], roles, credentials[.KEY], "
        "address_configurations[.ADDRESS], account[.configuration|.webhooks]"
    )
    if head == "services":
        if len(path) >= 2 and path[1] not in config.services:
            keys = ", ".join(config.services) or "none"
            return f"no service {path[1]!r} in the configuration (services: {keys})"
        if len(path) >= 3 and path[2] not in ("roles", *SERVICE_SECTIONS.values()):
            return (
                f"{path[2]!r} is not part of a service; use roles, configuration, "
                "notifications or webhooks"
            )
        if len(path) >= 4 and path[2] != "roles":
            return f"only roles have names below a service, not {path[2]}"
        return None
    if head in KIND_SELECTORS and len(path) == 1:
        return None
    if head == "credentials" and len(path) == 2:
        return (
            None
            if path[1] in config.credentials
            else (f"no credential {path[1]!r} in the configuration")
        )
    if head == "address_configurations" and len(path) == 2:
        known = {address.address for address in config.address_configurations}
        known |= {f"{a.type}:{a.address}" for a in config.address_configurations}
        return None if path[1] in known else f"no address {path[1]!r} in the configuration"
    if head == "account" and (len(path) == 1 or path[1:] in (("configuration",), ("webhooks",))):
        return None
    return f"not a selector; use one of: {allowed}"


def change_path(change: Change) -> Path:
    """Where a change sits, as a selector path."""
    kind = change.kind
    if kind == kinds.SERVICE.name:
        # An unmanaged service (pruned) has no key: only `services` as a whole selects it.
        return ("services", change.identity[0]) if change.source else ("services",)
    if kind == kinds.ROLE.name:
        return ("services", change.identity[0], "roles", change.identity[1])
    if kind in SERVICE_SECTIONS:
        return ("services", change.identity[0], SERVICE_SECTIONS[kind])
    if kind == kinds.CREDENTIAL.name:
        return ("credentials", str(change.source[1]) if change.source else change.identity[0])
    if kind == kinds.ADDRESS_CONFIGURATION.name:
        return ("address_configurations", change.identity[1])
    if kind == kinds.ACCOUNT_CONFIGURATION.name:
        return ("account", "configuration")
    return ("account", "webhooks")


def _matches(change: Change, selector: Path) -> bool:
    if len(selector) == 1 and selector[0] in KIND_SELECTORS:
        return change.kind == KIND_SELECTORS[selector[0]]
    path = change_path(change)
    if selector[0] == "address_configurations" and len(selector) == 2:
        if change.kind != kinds.ADDRESS_CONFIGURATION.name:
            return False
        full = f"{change.identity[0]}:{change.identity[1]}"
        return selector[1] in (path[1], full)
    return path[: len(selector)] == selector


def select(changes: Iterable[Change], selectors: Sequence[Path]) -> list[Change]:
    """The changes inside the selection, plus the creates they depend on."""
    everything = list(changes)
    chosen = [change for change in everything if any(_matches(change, s) for s in selectors)]
    creates = {
        (change.kind, *change.identity): change
        for change in everything
        if change.action in (Action.CREATE, Action.REPLACE)
    }
    pending = list(chosen)
    while pending:
        change = pending.pop()
        for needed in _needs(change):
            dependency = creates.get(needed)
            if dependency is not None and dependency not in chosen:
                chosen.append(dependency)
                pending.append(dependency)
    return [change for change in everything if change in chosen]


def _needs(change: Change) -> list[Path]:
    """What must exist before this change: its service, and what its references name."""
    needed: list[Path] = []
    if change.parent_key:
        needed.append((kinds.SERVICE.name, change.parent_key))
    kind = kinds.KINDS_BY_NAME[change.kind]
    for name, value in change.send.items():
        reference = kind.field(name).reference
        if not isinstance(value, str):
            continue
        if reference is Reference.SERVICE:
            needed.append((kinds.SERVICE.name, value))
        elif reference is Reference.ROLE and change.parent_key:
            needed.append((kinds.ROLE.name, change.parent_key, value))
    return needed
