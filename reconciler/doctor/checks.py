"""Everything in an account this version does not know, each with where it is.

The lists of Twilio's values and the documented lengths are the configuration's rule tables
(`reconciler.config.rules`), so doctor knows exactly what `validate` knows; fields, references
and types come from the kinds table, so doctor names no Twilio field of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from reconciler import kinds
from reconciler.config import rules
from reconciler.doctor.model import (
    DANGLING_REFERENCE,
    NAMELESS,
    TOO_LONG,
    UNKNOWN_TYPE,
    UNKNOWN_VALUE,
    UNREAD_FIELD,
    NotChecked,
    Unknown,
)
from reconciler.export import AccountSnapshot
from reconciler.export.read import NotRead
from reconciler.kinds import KINDS_BY_NAME, Kind, Reference, Resource
from reconciler.kinds.neighbours import NotReadable
from reconciler.live.neighbours import (
    NOT_A_NUMBER_OF_THE_ACCOUNT,
    NeighbourReads,
    Targets,
    foreign_numbers,
)


@dataclass(frozen=True)
class ValueList:
    """A field whose values (or list items) come from one of this version's lists."""

    kind: Kind
    field: str
    known: tuple[str, ...]
    what: str
    any_case: bool = False


VALUE_LISTS: tuple[ValueList, ...] = (
    ValueList(kinds.ACCOUNT_WEBHOOKS, "target", rules.WEBHOOK_TARGETS, "webhook targets"),
    ValueList(kinds.ACCOUNT_WEBHOOKS, "method", rules.WEBHOOK_METHODS, "webhook methods", True),
    ValueList(
        kinds.ACCOUNT_WEBHOOKS, "filters", rules.ACCOUNT_WEBHOOK_FILTERS, "account webhook filters"
    ),
    ValueList(kinds.SERVICE_WEBHOOKS, "method", rules.WEBHOOK_METHODS, "webhook methods", True),
    ValueList(
        kinds.SERVICE_WEBHOOKS, "filters", rules.SERVICE_WEBHOOK_FILTERS, "service webhook filters"
    ),
    ValueList(
        kinds.ADDRESS_CONFIGURATION,
        "auto_creation.type",
        rules.AUTO_CREATION_TYPES,
        "auto-creation types",
    ),
    ValueList(
        kinds.ADDRESS_CONFIGURATION,
        "auto_creation.webhook_method",
        rules.WEBHOOK_METHODS,
        "webhook methods",
        True,
    ),
    ValueList(
        kinds.ADDRESS_CONFIGURATION,
        "auto_creation.webhook_filters",
        rules.ADDRESS_WEBHOOK_FILTERS,
        "address webhook filters",
    ),
)


def _values_field(name: str) -> Callable[[Resource], Any]:
    return lambda resource: resource.values.get(name)


def _identity(index: int) -> Callable[[Resource], Any]:
    return lambda resource: resource.identity[index]


NAME_LIMITS: tuple[tuple[Kind, str, Callable[[Resource], Any], int], ...] = (
    (kinds.SERVICE, "friendly_name", _values_field("friendly_name"), rules.SERVICE_NAME_MAX),
    (kinds.ROLE, "friendly_name", _identity(-1), rules.ROLE_NAME_MAX),
    (kinds.CREDENTIAL, "friendly_name", _identity(0), rules.CREDENTIAL_NAME_MAX),
    (kinds.ADDRESS_CONFIGURATION, "address", _identity(-1), rules.ADDRESS_MAX),
    (
        kinds.ADDRESS_CONFIGURATION,
        "friendly_name",
        _values_field("friendly_name"),
        rules.ADDRESS_NAME_MAX,
    ),
)
"""Names and identities, with the length Twilio documents for each."""

TEXT_LIMITS: dict[str, int] = {
    "template": rules.NOTIFICATION_TEMPLATE_MAX,
    "sound": rules.NOTIFICATION_SOUND_MAX,
    "pre_webhook_url": rules.WEBHOOK_URL_MAX,
    "post_webhook_url": rules.WEBHOOK_URL_MAX,
    "webhook_url": rules.WEBHOOK_URL_MAX,
}
"""The last part of a field's name -> the length this version assumes for it (rules.py)."""


def every_resource(snapshot: AccountSnapshot) -> Iterator[Resource]:
    """Account-level resources, then each service's, in the kinds table's order."""
    for kind in kinds.ALL_KINDS:
        if kind.parent is None:
            yield from snapshot.of(kind)
    for service in snapshot.services:
        for kind in kinds.SERVICE_CHILD_KINDS:
            yield from snapshot.under(str(service.sid), kind)


class _Finder:
    """The checks over one snapshot, with its lookups built once."""

    def __init__(self, snapshot: AccountSnapshot, not_read: Sequence[NotRead] = ()) -> None:
        self.snapshot = snapshot
        self.services_read = not any(item.kind == kinds.SERVICE.name for item in not_read)
        self.roles_not_read = {item.parent_sid for item in not_read if item.kind == kinds.ROLE.name}
        """What was not read cannot be what a reference misses: those are not checked."""
        self.service_names = {
            str(service.sid): str(service.values.get("friendly_name") or service.sid)
            for service in snapshot.services
        }
        self.role_sids = {
            sid: {str(role.sid) for role in snapshot.under(sid, kinds.ROLE)}
            for sid in self.service_names
        }
        self.found: list[Unknown] = []

    def add(self, resource: Resource, field: str, value: Any, problem: str, message: str) -> None:
        kind = KINDS_BY_NAME[resource.kind]
        missing = kind.missing_name(resource)
        if kind.parent is not None:
            service = self.service_names.get(str(resource.parent_sid), str(resource.parent_sid))
            names = [str(resource.sid)] if missing else resource.identity[1:]
            key = "/".join((service, *names))
            sid = resource.sid or resource.parent_sid
        elif kind is kinds.SERVICE:
            key, sid = resource.display if missing else kind.name_of(resource), resource.sid
        else:
            key, sid = resource.display or "account", resource.sid
        self.found.append(Unknown(resource.kind, key, sid, field, value, problem, message))

    def resource(self, resource: Resource) -> None:
        kind = KINDS_BY_NAME[resource.kind]
        missing = kind.missing_name(resource)
        if missing is not None:
            self.add(
                resource,
                missing,
                None,
                NAMELESS,
                f"has no {missing}, the name the configuration would match it by: plan never "
                "manages it, prune keeps it and export cannot write it; name it in Twilio to "
                "manage it",
            )
        if not kind.type_is_known(resource):
            self.add(
                resource,
                "type",
                kind.type_of(resource),
                UNKNOWN_TYPE,
                f"{kind.type_of(resource)!r} is not a type of {kind.name.replace('_', ' ')} this "
                f"version knows{_listed(kind.known_types)}; such resources are kept: prune "
                "deletes none unless the configuration names the type",
            )
        for listed in VALUE_LISTS:
            if listed.kind is kind:
                self.values(resource, listed)
        if kind is kinds.ROLE:
            self.permissions(resource)
        self.lengths(resource, kind)
        self.references(resource, kind)

    def values(self, resource: Resource, listed: ValueList) -> None:
        value = resource.values.get(listed.field)
        known = {item.upper() for item in listed.known} if listed.any_case else set(listed.known)
        for item in value if isinstance(value, list) else [value]:
            if not isinstance(item, str) or not item:
                continue
            if (item.upper() if listed.any_case else item) not in known:
                self.add(
                    resource,
                    listed.field,
                    item,
                    UNKNOWN_VALUE,
                    f"{item!r} is not one of the {listed.what} this version knows"
                    f"{_listed(listed.known)}",
                )

    def permissions(self, role: Resource) -> None:
        role_type = role.values.get("type")
        allowed = rules.PERMISSIONS_BY_ROLE_TYPE.get(str(role_type), rules.ALL_PERMISSIONS)
        for permission in role.values.get("permissions") or []:
            if not isinstance(permission, str) or permission in allowed:
                continue
            if permission in rules.ALL_PERMISSIONS:
                message = (
                    f"{permission!r} is a permission this version knows only for other roles "
                    f"than {role_type} roles"
                )
            else:
                message = f"{permission!r} is not a role permission this version knows"
            self.add(role, "permissions", permission, UNKNOWN_VALUE, message)

    def lengths(self, resource: Resource, kind: Kind) -> None:
        checks = [
            (name, read(resource), limit)
            for limit_kind, name, read, limit in NAME_LIMITS
            if limit_kind is kind
        ]
        for spec in kind.fields:
            limit = TEXT_LIMITS.get(spec.name.rsplit(".", 1)[-1])
            if limit is not None:
                checks.append((spec.name, resource.values.get(spec.name), limit))
        for name, value, limit in checks:
            if isinstance(value, str) and len(value) > limit:
                self.add(
                    resource,
                    name,
                    value,
                    TOO_LONG,
                    f"{len(value)} characters long; Twilio documents at most {limit}",
                )

    def references(self, resource: Resource, kind: Kind) -> None:
        for spec in kind.fields:
            value = resource.values.get(spec.name)
            if spec.reference is None or not isinstance(value, str) or not value:
                continue
            if (
                spec.reference is Reference.SERVICE
                and self.services_read
                and value not in self.service_names
            ):
                self.add(
                    resource,
                    spec.name,
                    value,
                    DANGLING_REFERENCE,
                    f"names {value}, which is not a service of this account",
                )
            if (
                spec.reference is Reference.ROLE
                and resource.parent_sid not in self.roles_not_read
                and value not in self.role_sids.get(str(resource.parent_sid), set())
            ):
                self.add(
                    resource,
                    spec.name,
                    value,
                    DANGLING_REFERENCE,
                    f"names {value}, which is not a role of this service",
                )

    def neighbours(self, targets: Targets, reads: NeighbourReads) -> None:
        """SIDs of other products that name nothing there, and SMS addresses that are not the
        account's numbers (a read refused is not checked, not a finding)."""
        for pointer in targets.pointers:
            if reads.found.get((pointer.product, pointer.value), False) is None:
                self.add(
                    pointer.resource,
                    pointer.field,
                    pointer.value,
                    DANGLING_REFERENCE,
                    f"names {pointer.value}, which is not a {pointer.product.value} of this "
                    "account",
                )
        for address in foreign_numbers(targets, reads):
            number = address.identity[1]
            self.add(address, "address", number, DANGLING_REFERENCE, NOT_A_NUMBER_OF_THE_ACCOUNT)

    def unread(self, resource: Resource, record: dict[str, Any]) -> None:
        for path in KINDS_BY_NAME[resource.kind].unread_keys(record, resource):
            value: Any = record
            for part in path.split("."):
                value = value[part]
            self.add(
                resource,
                path,
                value,
                UNREAD_FIELD,
                "the API returned this field and this version does not read it: export does "
                "not write it and plan neither compares nor changes it",
            )


def _listed(known: tuple[str, ...]) -> str:
    """The known values, when there are few enough to read in one line."""
    return f" ({', '.join(known)})" if len(known) <= LISTED_AT_MOST else ""


LISTED_AT_MOST = 8
KIND_ORDER = {kind.name: index for index, kind in enumerate(kinds.ALL_KINDS)}


def find_unknown(
    snapshot: AccountSnapshot,
    records: Sequence[tuple[Resource, dict[str, Any]]],
    not_read: Sequence[NotRead] = (),
    neighbours: tuple[Targets, NeighbourReads] | None = None,
) -> list[Unknown]:
    """Each unknown value, type, unread field, dangling reference and overlong text, ordered
    by kind, key, field and value (the same account gives the same list). `not_read` names
    the reads refused (references into them are not judged); `neighbours`, what was read of
    the other products the account's values point at."""
    finder = _Finder(snapshot, not_read)
    for resource in every_resource(snapshot):
        finder.resource(resource)
    for resource, record in records:
        finder.unread(resource, record)
    if neighbours is not None:
        finder.neighbours(*neighbours)
    return sorted(
        finder.found,
        key=lambda item: (
            KIND_ORDER.get(item.kind, len(KIND_ORDER)),
            item.key,
            item.sid or "",
            item.field,
            repr(item.value),
        ),
    )


def resources_of(snapshot: AccountSnapshot) -> Callable[[Kind], list[Resource]]:
    """A kind's resources in the snapshot, wherever they are (account or services)."""
    by_kind: dict[str, list[Resource]] = {}
    for resource in every_resource(snapshot):
        by_kind.setdefault(resource.kind, []).append(resource)
    return lambda kind: by_kind.get(kind.name, [])


def not_checked(
    snapshot: AccountSnapshot,
    not_read: Sequence[NotRead],
    targets: Targets,
    reads: NeighbourReads,
) -> list[NotChecked]:
    """The reads the credentials were refused: parts of the account, then other products."""
    names = {str(service.sid): kinds.SERVICE.name_of(service) for service in snapshot.services}
    found = []
    for item in not_read:
        kind = KINDS_BY_NAME[item.kind]
        what = (kind.prune_name or kind.name).replace("_", " ")
        if item.parent_sid is not None:
            service = names.get(item.parent_sid, item.parent_sid)
            what = f"{what} of service {service} ({item.parent_sid})"
        found.append(NotChecked(what, item.reason))
    for pointer in targets.pointers:
        answer = reads.found.get((pointer.product, pointer.value))
        if isinstance(answer, NotReadable):
            found.append(NotChecked(f"{pointer.product.value} {pointer.value}", str(answer)))
    if isinstance(reads.numbers, NotReadable):
        found.append(NotChecked("the SMS addresses' phone numbers", str(reads.numbers)))
    return found
