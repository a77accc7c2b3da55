"""What every resource kind declares, and the mechanics they share.

A kind knows three spellings of each field: its dotted path in the config
(`auto_creation.webhook_url`), its form parameter (`AutoCreation.WebhookUrl`) and its dotted path
in the API's JSON (`auto_creation.webhook_url`). Nothing outside `kinds/` knows the last two.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType
from typing import Any, ClassVar

from pydantic import BaseModel, SecretStr
from twilio.base.page import Page

from reconciler.config.models import Config
from reconciler.kinds.access import Access

Identity = tuple[str, ...]
"""How a resource is matched between config and live: e.g. (service key, role name)."""


class Reference(str, Enum):
    """What a field's value names: resolved to a SID on write, back to a name on read."""

    SERVICE = "service"
    ROLE = "role"


def _plain(value: Any) -> Any:
    return value


def _as_set(value: Any) -> Any:
    """Order-insensitive lists (permissions, filters): compared sorted and de-duplicated. A
    cleared list (`null`) is the empty list Twilio answers for it."""
    if value is None:
        return []
    return sorted(set(value))


def _upper(value: Any) -> Any:
    return value.upper() if isinstance(value, str) else value


def _bool(value: Any) -> Any:
    """Some responses carry booleans as strings ("true"); compare them as booleans."""
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return value


def _blank_is_none(value: Any) -> Any:
    """Twilio clears a string by storing null; an empty string in either place means unset."""
    return None if value == "" else value


class Product(str, Enum):
    """Another Twilio product a field's SID points into (kinds/neighbours.py reads it)."""

    MESSAGING_SERVICE = "Messaging Service"
    STUDIO_FLOW = "Studio Flow"


class Compare(Enum):
    """How a field's desired and live values are normalized before they are compared."""

    VALUE = (_plain,)
    SET = (_as_set,)
    UPPER = (_upper,)
    BOOL = (_bool,)
    TEXT = (_blank_is_none,)

    def normalize(self, value: Any) -> Any:
        function: Callable[[Any], Any] = self.value[0]
        return function(value)


CLEAR_LIST = [""]
"""A lone empty `Filters=` clears a list: an empty list would send no parameter at all."""


@dataclass(frozen=True)
class Field:
    """One managed field of a kind."""

    name: str
    """Dotted path in the config, relative to the resource."""
    param: str
    """Twilio form parameter, dotted for nested objects."""
    response: str = ""
    """Dotted path in the API response; defaults to `name`."""
    compare: Compare = Compare.VALUE
    reference: Reference | None = None
    write_only: bool = False
    """Secrets: sent, never returned by the API, so never compared."""
    immutable: bool = False
    """Only settable on create: a change forces a replace."""
    clear_value: Any = ""
    """What to send to clear the field (null, or an empty list, in the config)."""
    product: Product | None = None
    """The other Twilio product whose resource the value's SID names (plan checks it exists)."""

    @property
    def response_path(self) -> str:
        return self.response or self.name

    @property
    def sdk_argument(self) -> str:
        """The twilio library's keyword for this parameter (`AutoCreation.WebhookUrl` ->
        `auto_creation_webhook_url`)."""
        return "_".join(_snake(part) for part in self.param.split("."))


def _snake(camel: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", camel).lower()


NO_EXTRA: Mapping[str, Any] = MappingProxyType({})
"""The `extra` of most resources: one shared empty mapping, not an empty dict each (a large
account has a hundred thousand resources, desired and live)."""


@dataclass(slots=True)
class Resource:
    """One resource as the config wants it or as the account has it.

    `values` maps field names to values; references hold names (service keys, role names) where
    the SID is known to belong to one, or the raw SID otherwise. Slots: no attribute dict for
    each of the tens of thousands a large account has.
    """

    kind: str
    identity: Identity
    values: dict[str, Any]
    sid: str | None = None
    parent_sid: str | None = None
    label: str = ""
    """How the resource is shown to people; defaults to the identity joined by '/'."""
    built_in: bool = False
    """Created by Twilio with its parent (built-in roles): never pruned, never created."""
    source: tuple[str | int, ...] = ()
    """Where a desired resource sits in the config, for error messages."""
    extra: Mapping[str, Any] = field(default_factory=lambda: NO_EXTRA)

    @property
    def display(self) -> str:
        """The label; else the identity joined by '/'; a resource whose identity has no name
        (Twilio's names are optional for some kinds) by its SID."""
        if self.label:
            return self.label
        if all(isinstance(part, str) and part for part in self.identity):
            return "/".join(self.identity)
        return self.sid or "/".join(str(part) for part in self.identity)


class Kind:
    """A resource kind: subclasses declare fields and implement reads and writes."""

    name: ClassVar[str]
    """Stable name used in plans and JSON output (`role`)."""
    prune_name: ClassVar[str | None] = None
    """The `policy.prune` entry that allows deleting unmanaged resources of this kind."""
    parent: ClassVar[str | None] = None
    """The kind whose SID this kind's paths need (`service`)."""
    singleton: ClassVar[bool] = False
    fields: ClassVar[tuple[Field, ...]] = ()
    writes_per_second_per_parent: ClassVar[int | None] = None
    """Twilio's limit on this kind's writes per parent (roles: per service), if it has one."""
    names_may_repeat: ClassVar[bool] = False
    """Twilio accepts a second resource with the same identifying name (services, credentials),
    so concurrent creates can make twins; other kinds answer a duplicate with 409."""
    known_types: ClassVar[tuple[str, ...]] = ()
    """The types of this kind this version knows (address, credential and role types); a live
    resource of another type is kept, never pruned, unless the configuration uses its type."""
    access: ClassVar[Access] = Access()
    """The endpoints its calls reach (kinds/access.py): what a restricted API key needs."""
    identity_fields: ClassVar[tuple[str, ...]] = ()
    """The record keys a read takes the identity's last parts from (a role's friendly_name):
    the name the configuration matches the resource by."""

    def missing_name(self, resource: Resource) -> str | None:
        """The identity field a live resource has no value for (Twilio holds none: a credential
        created without a friendly_name), or None when it is named. No configuration can name
        such a resource, so plan never manages it and prune keeps it."""
        if not self.identity_fields:
            return None
        parts = resource.identity[-len(self.identity_fields) :]
        for name, part in zip(self.identity_fields, parts, strict=True):
            if not isinstance(part, str) or not part:
                return name
        return None

    def identity_by_sid(self, resource: Resource) -> Identity:
        """A resource without a name identified by its SID in place of its name parts (a role:
        [service key, its SID]), as a live service no configuration names is [its SID]."""
        kept = len(resource.identity) - len(self.identity_fields)
        return (*resource.identity[: max(kept, 0)], str(resource.sid))

    def type_of(self, resource: Resource) -> str | None:
        """The resource's type, for kinds that have one (`known_types`)."""
        value = resource.values.get("type")
        return value if isinstance(value, str) else None

    def type_is_known(self, resource: Resource) -> bool:
        """False only for a typed kind's resource of a type this version has never seen."""
        kind_type = self.type_of(resource)
        return not self.known_types or kind_type is None or kind_type in self.known_types

    def name_of(self, resource: Resource) -> str:
        """The name that twins share (desired or live), for kinds whose names may repeat."""
        return str(resource.identity[0])

    def desired(self, config: Config) -> list[Resource]:
        """The resources of this kind that the config declares (managed fields only)."""
        raise NotImplementedError

    def read(self, api: Any, parent_sid: str | None) -> list[Resource]:
        """Every live resource of this kind (under one parent) in as few calls as paging allows."""
        raise NotImplementedError

    def create(
        self, api: Any, parent_sid: str | None, identity: Identity, params: dict[str, Any]
    ) -> str:
        """Create the resource; returns its SID."""
        raise NotImplementedError(f"{self.name} cannot be created")

    def update(
        self, api: Any, parent_sid: str | None, sid: str | None, params: dict[str, Any]
    ) -> None:
        raise NotImplementedError(f"{self.name} cannot be updated")

    def delete(self, api: Any, parent_sid: str | None, sid: str) -> None:
        raise NotImplementedError(f"{self.name} cannot be deleted")

    def field(self, name: str) -> Field:
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        raise KeyError(f"{self.name} has no field {name!r}")

    def sdk_arguments(self, values: Mapping[str, Any], creating: bool = False) -> dict[str, Any]:
        """Field values (references already resolved to SIDs) as twilio library keywords. A
        cleared value (`null`) is sent as the field's clear value to an update; a create has
        nothing to clear, so it leaves the field out (Twilio refuses `AddressCountry=`)."""
        arguments: dict[str, Any] = {}
        for name, value in values.items():
            spec = self.field(name)
            if isinstance(value, SecretStr):
                value = value.get_secret_value()
            if (value is None or value == []) and creating:
                continue
            if value is None or value == []:
                value = spec.clear_value
            arguments[spec.sdk_argument] = value
        return arguments

    def live_values(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """Every readable field, from an API response shaped as the spec says."""
        values: dict[str, Any] = {}
        for spec in self.fields:
            if spec.write_only:
                continue
            values[spec.name] = dig(payload, spec.response_path)
        return values

    def unread_keys(self, record: Mapping[str, Any], resource: Resource) -> list[str]:
        """The dotted paths in `record` (as the API sent it) that this kind's read of it into
        `resource` does not take: neither a field, nor the identity the read took from it, nor
        the metadata every record carries (RECORD_METADATA). Twilio's newer fields show here
        before this version knows them (`reconciler doctor`)."""
        read = {spec.response_path for spec in self.fields}
        identity = {
            key
            for key, value in record.items()
            if (isinstance(value, str) and value in resource.identity)
            or key in self.identity_fields
        }
        return sorted(_unread(record, read, "", RECORD_METADATA | identity))

    def unread_inside(self, record: Mapping[str, Any], resource: Resource) -> dict[str, Any]:
        """Of `unread_keys`, those inside an object the kind reads parts of (an address
        configuration's `auto_creation.ai_agent_sid`), with their values: a setting the
        configuration writes, but not all of it. A null one sets nothing, so it is not among
        them (Twilio answers every auto-creation key, null where its type has none: a newer
        key would otherwise fail every export of a newer account)."""
        inside = (path for path in self.unread_keys(record, resource) if "." in path)
        return {path: value for path in inside if (value := dig(record, path)) is not None}


UNREAD_INSIDE = "unread_inside"
"""The `extra` key under which a read keeps `Kind.unread_inside` (export names them)."""


def _unread(
    record: Mapping[str, Any], read: set[str], prefix: str, skip: frozenset[str]
) -> list[str]:
    """Paths under `prefix` that no read path names; a nested object the kind reads parts of
    is walked (a null one is read as missing values)."""
    found: list[str] = []
    for key, value in record.items():
        path = f"{prefix}{key}"
        if path in read or key in skip:
            continue
        if any(name.startswith(f"{path}.") for name in read):
            if isinstance(value, Mapping):
                found += _unread(value, read, f"{path}.", frozenset())
            continue
        found.append(path)
    return found


RECORD_METADATA = frozenset(
    {"sid", "account_sid", "chat_service_sid", "url", "links", "date_created", "date_updated"}
)
"""Keys that say where a record is and when it changed, never how it is configured."""


class UnexpectedAnswer(ValueError):
    """The API answered JSON that is not shaped like Twilio's: the endpoint is not Twilio's
    (`reconciler.cli.diagnose` tells it as such). The message says what was answered."""


RESOURCE_MARKS = ("url", "account_sid", "chat_service_sid")
"""Keys a fetched Twilio resource carries (every one has `url`)."""


def _shape(payload: Any) -> str:
    """`keys data, status` (the first few), for an error message."""
    if not isinstance(payload, Mapping):
        return f"a JSON {type(payload).__name__}"
    names = sorted(str(key) for key in payload)
    listed = ", ".join(names[:6]) + (", ..." if len(names) > 6 else "")
    return f"keys {listed}" if names else "no keys"


def _page_records(payload: Any) -> list[dict[str, Any]]:
    """The records of a list page shaped as Twilio's: `meta` naming the list's key (v1 APIs),
    or the 2010-04-01 shape (`uri`, `page_size` and one list). Anything else is refused, not
    guessed at: a foreign JSON API must not read as an empty account."""
    records: Any = None
    if isinstance(payload, Mapping):
        meta = payload.get("meta")
        if isinstance(meta, Mapping) and isinstance(meta.get("key"), str):
            records = payload.get(meta["key"])
        elif "uri" in payload and "page_size" in payload:
            keys = set(payload) - Page.META_KEYS
            records = payload[keys.pop()] if len(keys) == 1 else None
    if not isinstance(records, list) or not all(isinstance(item, Mapping) for item in records):
        raise UnexpectedAnswer(f"a list page with {_shape(payload)}, not Twilio's meta and records")
    return records


class _RecordPage(Page):
    """A page of a list whose records stay the JSON the API sent (see `list_records`)."""

    def load_page(self, payload: dict[str, Any]) -> list[dict[str, Any]]:
        records = _page_records(payload)
        _keep(records)
        return records

    def get_instance(self, payload: dict[str, Any]) -> dict[str, Any]:
        return payload


def list_records(
    listing: Any, page_size: int, filters: Mapping[str, str] | None = None
) -> Iterator[dict[str, Any]]:
    """Every record of an SDK list resource (`api.services`), page after page, as JSON dicts.

    The SDK makes the requests (its `Version.page` and the pages' next-page links, with its
    authentication, headers and errors), but its instances are not built: an instance parses
    every date in its record, which costs more CPU than the rest of a read and which the
    engine never uses. Dates stay the API's text.
    """
    page: Page | None = first_page(listing, page_size, filters)
    while page is not None:
        yield from page
        page = page.next_page()


def first_page(listing: Any, page_size: int, filters: Mapping[str, str] | None = None) -> Page:
    """The first page of an SDK list resource, its records JSON dicts (see `list_records`);
    `next_page_url` says whether more exist without asking for them. `filters` are the list's
    query parameters (`{"PhoneNumber": ...}`)."""
    version = listing._version
    response = version.page(
        method="GET",
        uri=listing._uri,
        params={**(filters or {}), "PageSize": page_size},
        headers={"Accept": "application/json"},
    )
    return _RecordPage(version, response)


def fetch_record(context: Any) -> dict[str, Any]:
    """One SDK instance context (`api.configuration()`) fetched as the JSON dict the API sent.

    The SDK's own request and error handling (`Version.fetch`), without building an instance.
    An answer that is not a Twilio resource (no `url`, `account_sid` or `chat_service_sid`) is
    refused as `UnexpectedAnswer`.
    """
    record: Any = context._version.fetch(
        method="GET", uri=context._uri, headers={"Accept": "application/json"}
    )
    if not isinstance(record, dict) or not any(mark in record for mark in RESOURCE_MARKS):
        raise UnexpectedAnswer(f"a resource with {_shape(record)}, not Twilio's url or account_sid")
    _keep([record])
    return record


_kept = threading.local()


@contextmanager
def keeping_records() -> Iterator[list[dict[str, Any]]]:
    """Every record that `list_records` and `fetch_record` return in this thread while the block
    runs, in the order read: `reconciler doctor` holds them against what the kinds took
    (`Kind.unread_keys`). Reads outside such a block keep nothing: a plan holds no second copy
    of the account."""
    outer = getattr(_kept, "records", None)
    records: list[dict[str, Any]] = []
    _kept.records = records
    try:
        yield records
    finally:
        _kept.records = outer


def _keep(records: list[dict[str, Any]]) -> None:
    kept: list[dict[str, Any]] | None = getattr(_kept, "records", None)
    if kept is not None:
        kept.extend(records)


def created_at(instance: Any) -> str:
    """An instance's date_created as `YYYY-MM-DDTHH:MM:SSZ` (the SDK parses it; JSON does not)."""
    value = (
        getattr(instance, "date_created", None)
        if not isinstance(instance, Mapping)
        else (instance.get("date_created"))
    )
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return str(value.strftime("%Y-%m-%dT%H:%M:%SZ"))
    return str(value)


def survivor(twins: Iterable[Resource]) -> Resource:
    """Of live resources that share a name, the one every applier keeps: the oldest, then the
    lowest SID. Twilio does not refuse duplicate names, so concurrent creates can make twins;
    one rule that every run computes alike lets the losers delete themselves safely."""
    return min(twins, key=lambda resource: (resource.extra.get("date_created", ""), resource.sid))


def dig(payload: Mapping[str, Any] | None, dotted: str) -> Any:
    """`payload['a']['b']` for 'a.b', None where any level is missing."""
    current: Any = payload
    for part in dotted.split("."):
        if not isinstance(current, Mapping):
            return None
        current = current.get(part)
    return current


def set_fields(model: BaseModel | None, prefix: str = "") -> dict[str, Any]:
    """Flatten the fields the config sets (explicit nulls included) to dotted names."""
    if model is None:
        return {}
    flat: dict[str, Any] = {}
    for name in model.model_fields_set:
        value = getattr(model, name)
        dotted = f"{prefix}{name}"
        if isinstance(value, BaseModel):
            flat.update(set_fields(value, f"{dotted}."))
        else:
            flat[dotted] = value
    return flat
