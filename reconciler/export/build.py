"""A snapshot of the live account as configuration data: names for SIDs, every managed field.

What is written, and why it plans clean:
- values pass through each field's own `Compare` normalizer (sorted sets, upper-case methods,
  booleans for "true", null for ""), which is how plan compares them;
- references become names: services by their key, roles by their name within the service; a
  SID that names nothing exported stays a SID, which plan also compares as is;
- singleton settings write clearable text fields even when unset (`null` = keep it cleared),
  because `export` writes every field; resources leave out what Twilio has unset;
- fields that belong to another auto-creation or credential type are left out, since
  `validate` rejects them and the engine leaves unwritten fields alone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from reconciler import kinds
from reconciler.config import rules
from reconciler.config.models import Config
from reconciler.export.read import AccountSnapshot
from reconciler.kinds import Kind, Reference, Resource
from reconciler.kinds.base import UNREAD_INSIDE, Compare
from reconciler.kinds.singleton import ServiceSingletonKind, SingletonKind

SLUG_MAX = 60
"""Service keys stay short enough to read; Twilio's names may be up to 256 characters."""


@dataclass(frozen=True)
class SecretSlot:
    """A write-only secret the export cannot know: where it goes and a variable to use."""

    credential: str
    """The credential's key under `credentials:`."""
    field: str
    variable: str


@dataclass
class Export:
    """Configuration data (plain dicts and lists) plus what the YAML must say around it."""

    data: dict[str, Any]
    account_sid: str = ""
    secrets: list[SecretSlot] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Things a reviewer must know, written as comments at the top."""
    left_out: list[str] = field(default_factory=list)
    """What the account holds that the file cannot express (a credential without a name):
    written as comments at the top too, and the export fails naming each (exit 1)."""


def slug(name: str, fallback: str = "service") -> str:
    """A readable key for a name: accents folded, lower case, other characters as '-'."""
    out: list[str] = []
    for char in unicodedata.normalize("NFC", name):
        decomposed = unicodedata.normalize("NFKD", char)
        folded = "".join(part for part in decomposed if not unicodedata.combining(part))
        if folded.isascii() and folded.isalnum():  # ü -> u, ﬁ -> fi
            out.append(folded.lower())
        elif char.isalnum():  # other scripts stay as they are: keys may be unicode
            out.append(char.lower())
        else:
            out.append("-")
    text = re.sub(r"-{2,}", "-", "".join(out)).strip("-")
    return text[:SLUG_MAX].rstrip("-") or fallback


def variable_name(*parts: str) -> str:
    """An environment variable name for a secret: IOS_PUSH_CERTIFICATE."""
    text = "_".join(slug(part, "x") for part in parts)
    text = re.sub(r"[^A-Za-z0-9]+", "_", unicodedata.normalize("NFKD", text))
    text = re.sub(r"_{2,}", "_", text.encode("ascii", "ignore").decode()).strip("_").upper()
    return text if text and not text[0].isdigit() else f"SECRET_{text}"


def _nest(values: dict[str, Any]) -> dict[str, Any]:
    """Dotted field names (`new_message.with_media.enabled`) as nested mappings."""
    out: dict[str, Any] = {}
    for dotted, value in values.items():
        *parents, leaf = dotted.split(".")
        node = out
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return out


class _Names:
    """SIDs to the names the exported configuration uses for them."""

    def __init__(
        self,
        service_keys: dict[str, str],
        roles: dict[str, dict[str, str]],
        nameless: frozenset[str] = frozenset(),
    ) -> None:
        self.service_keys = service_keys
        self.roles = roles
        """Service SID -> role SID -> role name."""
        self.nameless = nameless
        """SIDs of live resources without a name: a reference to one stays its SID."""
        self.dangling: list[tuple[str, str]] = []
        """(what names it, SID) of references to a service or role that no longer exists."""

    def name(self, reference: Reference, value: Any, service_sid: str | None, where: str) -> Any:
        """The name for a SID; a SID that names nothing live (Twilio keeps a reference to a
        deleted service or role) stays the SID, noted in `dangling`."""
        if not isinstance(value, str):
            return value
        if reference is Reference.SERVICE:
            named = self.service_keys.get(value)
        else:
            named = self.roles.get(service_sid or "", {}).get(value)
        if named is None and value not in self.nameless:
            self.dangling.append((where, value))
        return named or value


def _values(
    kind: Kind,
    resource: Resource,
    names: _Names,
    service_sid: str | None,
    keep_cleared: bool,
    only: Iterable[str] | None = None,
    where: str = "",
) -> dict[str, Any]:
    """The resource's readable fields, normalized as plan compares them, references as names."""
    allowed = set(only) if only is not None else None
    out: dict[str, Any] = {}
    for spec in kind.fields:
        if spec.write_only or spec.name not in resource.values:
            continue
        if allowed is not None and spec.name not in allowed:
            continue
        value = spec.compare.normalize(resource.values[spec.name])
        if spec.reference is not None:
            shown = f"{where}.{spec.name}" if where else f"{resource.display} {spec.name}"
            value = names.name(spec.reference, value, service_sid, shown)
        if value is None and not (
            keep_cleared and spec.compare is Compare.TEXT and spec.reference is None
        ):
            continue
        if value == [] and resource.values[spec.name] is None and not keep_cleared:
            continue  # a list Twilio leaves unset on a resource: not written, as before
        out[spec.name] = value
    return out


def _config_path(kind: SingletonKind) -> tuple[str, ...]:
    """Where an account-level singleton sits in the config, as the kind itself declares it."""
    ((_, _, source),) = kind.settings(Config(version=1))
    return source


def _service_keys(services: list[Resource]) -> tuple[dict[str, str], set[str]]:
    """SID -> unique readable key; and the SIDs whose name another live service shares."""
    ordered = sorted(services, key=lambda s: (str(s.values.get("friendly_name") or ""), s.sid))
    counts: dict[str, int] = {}
    for service in ordered:
        name = str(service.values.get("friendly_name") or "")
        counts[name] = counts.get(name, 0) + 1
    keys: dict[str, str] = {}
    used: set[str] = set()
    for service in ordered:
        base = slug(str(service.values.get("friendly_name") or ""))
        key, number = base, 1
        while key in used:
            number += 1
            key = f"{base}-{number}"
        used.add(key)
        keys[str(service.sid)] = key
    shared = {str(s.sid) for s in ordered if counts[str(s.values.get("friendly_name") or "")] > 1}
    return keys, shared


def build_export(snapshot: AccountSnapshot) -> Export:
    """Configuration data equal to the live account, in the shape of `Config`."""
    service_keys, shared = _service_keys(snapshot.services)
    roles = {
        sid: {
            str(role.sid): role.identity[-1]
            for role in snapshot.under(sid, kinds.ROLE)
            if not kinds.ROLE.missing_name(role)
        }
        for sid in service_keys
    }
    nameless = frozenset(
        str(role.sid)
        for sid in service_keys
        for role in snapshot.under(sid, kinds.ROLE)
        if kinds.ROLE.missing_name(role)
    )
    names = _Names(service_keys, roles, nameless)
    export = Export(data={"version": 1}, account_sid=snapshot.account_sid)

    # The pin: the account the API answered for (an API key reaches only its own account).
    answered = [
        str(resource.extra["account_sid"])
        for resource in snapshot.of(kinds.ACCOUNT_CONFIGURATION)
        if resource.extra.get("account_sid")
    ]
    pin = answered[0] if answered else snapshot.account_sid
    account: dict[str, Any] = {"sid": pin} if pin else {}
    for kind in (kinds.ACCOUNT_CONFIGURATION, kinds.ACCOUNT_WEBHOOKS):
        for resource in snapshot.of(kind):
            path = _config_path(kind)
            values = _values(kind, resource, names, None, keep_cleared=True, where=".".join(path))
            account[path[-1]] = _nest(values)
    if account:
        export.data["account"] = account

    services: dict[str, Any] = {}
    for service in snapshot.services:
        sid = str(service.sid)
        key = service_keys[sid]
        services[key] = _service(snapshot, service, key, sid in shared, names, export)
        if sid in shared:
            export.notes.append(
                f"services.{key} is pinned by sid: another live service has the same name "
                f"({service.values.get('friendly_name')!r}), so it cannot be matched by name"
            )
    if services:
        export.data["services"] = services

    addresses = [
        _address(resource, names, f"address_configurations[{index}]", export)
        for index, resource in enumerate(
            sorted(snapshot.of(kinds.ADDRESS_CONFIGURATION), key=_address_order)
        )
    ]
    if addresses:
        export.data["address_configurations"] = addresses

    credentials = _credentials(snapshot.of(kinds.CREDENTIAL), export)
    if credentials:
        export.data["credentials"] = credentials
    for where, sid in names.dangling:
        export.notes.append(
            f"{where} is {sid}, which no longer exists in the account (Twilio keeps the "
            "reference): exported as the raw SID, which plan accepts while it is unchanged"
        )
    return export


def _service(
    snapshot: AccountSnapshot,
    service: Resource,
    key: str,
    pin: bool,
    names: _Names,
    export: Export,
) -> dict[str, Any]:
    sid = str(service.sid)
    out: dict[str, Any] = {}
    friendly_name = service.values.get("friendly_name")
    if friendly_name != key:
        out["friendly_name"] = friendly_name
    if pin:
        out["sid"] = sid
    roles = {}
    for role in snapshot.under(sid, kinds.ROLE):
        if role.sid in names.nameless:
            export.left_out.append(f"role {role.sid} of services.{key}: {_NAMELESS}")
            continue
        roles[role.identity[-1]] = _nest(_values(kinds.ROLE, role, names, sid, keep_cleared=False))
    if roles:
        out["roles"] = roles
    for kind in kinds.SERVICE_CHILD_KINDS:
        if not isinstance(kind, ServiceSingletonKind):
            continue
        for resource in snapshot.under(sid, kind):
            settings = _values(
                kind,
                resource,
                names,
                sid,
                keep_cleared=True,
                where=f"services.{key}.{kind.section}",
            )
            if settings:
                out[kind.section] = _nest(settings)
    return out


def _address_order(resource: Resource) -> tuple[str, ...]:
    return tuple(str(part) for part in resource.identity)


def _address(resource: Resource, names: _Names, where: str, export: Export) -> dict[str, Any]:
    """One address configuration; auto-creation fields of other known types are left out (for
    a type this version does not know, every field Twilio set is kept). A field Twilio returned
    inside auto_creation that this version does not read cannot be written: it is named as
    left out."""
    address_type, address = resource.identity
    kind = kinds.ADDRESS_CONFIGURATION
    unread: dict[str, Any] = resource.extra.get(UNREAD_INSIDE, {})
    export.left_out += [
        f"{path} = {value!r} of {where} ({resource.display}): a field this version does not "
        "read, so the file cannot hold it (plan leaves it as it is, but a create from this "
        "file would not send it); a newer version may read it"
        for path, value in sorted(unread.items())
    ]
    values = _values(kind, resource, names, None, keep_cleared=False, where=where)
    creation_type = str(values.get("auto_creation.type"))
    if creation_type not in rules.AUTO_CREATION_FIELDS_BY_TYPE:
        return {"type": address_type, "address": address, **_nest(values)}
    owned = rules.AUTO_CREATION_FIELDS_BY_TYPE[creation_type]
    foreign = {
        f"auto_creation.{name}"
        for names_of_type in rules.AUTO_CREATION_FIELDS_BY_TYPE.values()
        for name in names_of_type
        if name not in owned
    }
    values = {name: value for name, value in values.items() if name not in foreign}
    return {"type": address_type, "address": address, **_nest(values)}


_NAMELESS = (
    "it has no friendly_name, and the engine matches it by name, so the file cannot hold it; "
    "name it in Twilio, then export again"
)


def _credentials(resources: list[Resource], export: Export) -> dict[str, Any]:
    """Credentials keyed by friendly_name; their secrets become `SecretSlot`s for comments. Of
    same-named credentials the file holds the one plan manages (`kinds.survivor`)."""
    kind = kinds.CREDENTIAL
    by_name: dict[str, list[Resource]] = {}
    for resource in sorted(resources, key=lambda r: str(r.sid)):
        if kind.missing_name(resource):
            export.left_out.append(f"credential {resource.sid}: {_NAMELESS}")
        else:
            by_name.setdefault(resource.identity[0], []).append(resource)
    out: dict[str, Any] = {}
    for name, group in sorted(by_name.items()):
        resource = kinds.survivor(group)
        export.left_out += [
            f"credential {twin.sid}: another credential ({resource.sid}) is also named {name!r}, "
            "and the engine matches credentials by name, so the file holds the one plan manages; "
            "rename or delete the other, then export again"
            for twin in group
            if twin is not resource
        ]
        values = _values(kind, resource, _Names({}, {}), None, keep_cleared=False)
        credential_type = str(values.get("type"))
        if credential_type in rules.CREDENTIAL_FIELDS_BY_TYPE:  # else: every field Twilio set
            allowed = set(rules.CREDENTIAL_FIELDS_BY_TYPE[credential_type])
            values = {k: v for k, v in values.items() if k == "type" or k in allowed}
        out[name] = _nest(values)
        for group_of_secrets in rules.CREDENTIAL_REQUIRED_BY_TYPE.get(credential_type, ()):
            secret = group_of_secrets[0]
            export.secrets.append(SecretSlot(name, secret, variable_name(name, secret)))
    return out
