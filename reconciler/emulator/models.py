"""The emulated account: state, validation and the integrity rules Twilio keeps.

No HTTP here (like moto's models): the HTTP layer parses the form into ``Params`` (name ->
list of values, as repeated keys arrive), calls one method, and renders the returned view
(public fields, without ``url``/``links``, which depend on the request's Host).

Refusals carry Twilio's own error code for the case where Twilio's published list has one
(errors.py; the full table, with the reason for each choice, is in docs/emulator.md): 50104
for a permission a role type does not have, 50375/50379 for a bad inactive timer, and so on.
What the list has no code for is 400 / 20001, the code Twilio itself answers for a missing or
malformed parameter. A refusal because of the account's current state (a duplicate, deleting
what something else depends on) is 409 / 20409.

Integrity decisions:

* The default service (``/v1/Configuration.default_chat_service_sid``) cannot be deleted;
  repoint the default first.
* Deleting a service removes its roles, configuration, notifications and webhooks. Address
  configurations that auto-create into it are left untouched, pointing at the deleted
  service: Twilio does not cascade across resources, which is exactly the drift the
  reconciler exists to report.
* A role named by the service configuration as a default role cannot be deleted (409);
  built-in roles that are not defaults can be deleted like any other.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from copy import deepcopy
from datetime import datetime, timezone
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from reconciler.emulator import catalog, errors
from reconciler.emulator.errors import ApiError, TwilioCode

Params = Mapping[str, list[str]]
View = dict[str, Any]
Listing = list[tuple[int, Callable[[], View]]]
"""A list's items as (creation sequence number, view maker), oldest first: a page builds the
views of its own items only, so a page costs its size, not the list's."""
StatePath = tuple[str, ...]
"""Where one record lives in an Account: an attribute, then dictionary keys, e.g.
("roles", service_sid, role_sid). The unit of dirty tracking and of the journal."""

STATE_VERSION = 1
STATE_PATH_LENGTHS: dict[str, tuple[int, ...]] = {
    "seq": (1,),
    "configuration": (1,),
    "webhooks": (1,),
    "services": (2,),
    "service_configurations": (2,),
    "notifications": (2,),
    "service_webhooks": (2,),
    "roles": (2, 3),  # a service's whole set of roles, or one role
    "addresses": (2,),
    "credentials": (2,),
}
_INVALID = errors.INVALID_PARAMETER

_E164 = re.compile(r"^\+[1-9]\d{1,14}$")
_WHATSAPP = re.compile(r"^(whatsapp:)?\+[1-9]\d{1,14}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_TIMER = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")


def invalid(message: str, code: TwilioCode = errors.INVALID_PARAMETER) -> ApiError:
    return ApiError(code, message)


def not_found(path: str) -> ApiError:
    return ApiError(errors.NOT_FOUND, f"The requested resource {path} was not found")


def conflict(message: str) -> ApiError:
    return ApiError(errors.CONFLICT, message)


def new_sid(prefix: str) -> str:
    """Prefix plus 32 lowercase hex digits, as Twilio mints them."""
    return prefix + uuid.uuid4().hex


def sid_pattern(prefix: str) -> re.Pattern[str]:
    return re.compile(rf"^{prefix}[0-9a-fA-F]{{32}}$")


def twilio_now() -> str:
    """UTC, whole seconds, trailing Z: the format Twilio's JSON uses."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------- parameter readers


def _one(params: Params, name: str) -> str | None:
    values = params.get(name)
    if not values:
        return None
    return values[-1]


def _required(params: Params, name: str) -> str:
    """Twilio answers 20001 for a missing parameter, even where a 50xxx "not provided" code
    exists (its API layer checks required parameters before the product sees them)."""
    value = _one(params, name)
    if value is None or value == "":
        raise invalid(f"Missing required parameter {name} in the post body")
    return value


def _bool(params: Params, name: str) -> bool | None:
    value = _one(params, name)
    if value is None:
        return None
    lowered = value.lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    raise invalid(f"Invalid value for {name}: {value!r} is not a boolean (true or false)")


def _int(
    params: Params,
    name: str,
    minimum: int = 0,
    code: TwilioCode = errors.INVALID_PARAMETER,
) -> int | None:
    """An integer field; Twilio's integers are 32-bit, so larger values are refused."""
    value = _one(params, name)
    if value is None:
        return None
    try:
        number = int(value)
    except ValueError:
        raise invalid(f"Invalid value for {name}: {value!r} is not an integer", code) from None
    if number < minimum:
        raise invalid(f"Invalid value for {name}: must be at least {minimum}", code)
    if number > catalog.MAX_INTEGER:
        raise invalid(f"Invalid value for {name}: must be at most {catalog.MAX_INTEGER}", code)
    return number


def _enum(
    value: str,
    name: str,
    allowed: tuple[str, ...],
    fold: bool = False,
    code: TwilioCode = errors.INVALID_PARAMETER,
) -> str:
    """Enum check; `fold` for HTTP methods, which Twilio takes in either case."""
    if fold:
        upper = value.upper()
        if upper in allowed:
            return upper
    elif value in allowed:
        return value
    raise invalid(f"Invalid value for {name}: {value!r} is not one of {', '.join(allowed)}", code)


def _sid(value: str, name: str, prefix: str, code: TwilioCode = errors.INVALID_PARAMETER) -> str:
    if not sid_pattern(prefix).match(value):
        raise invalid(f"Invalid value for {name}: {value!r} is not a valid {prefix} SID", code)
    return value


def _text(value: str, name: str, limit: int, code: TwilioCode) -> str:
    if len(value) > limit:
        raise invalid(f"Invalid value for {name}: longer than {limit} characters", code)
    return value


def _name(params: Params, name: str, limit: int, required: bool = False) -> str | None:
    value = _required(params, name) if required else _one(params, name)
    if value is not None:
        _text(value, name, limit, errors.FRIENDLY_NAME_TOO_LONG)
    return value


def _url(
    value: str,
    name: str,
    code: TwilioCode = errors.INVALID_WEBHOOK_URL,
    too_long: TwilioCode = errors.INVALID_WEBHOOK_URL,
) -> str | None:
    """An absolute http(s) URL of bounded length; the empty string clears the setting."""
    if value == "":
        return None
    _text(value, name, catalog.MAX_WEBHOOK_URL, too_long)
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in value:
        raise invalid(f"Invalid value for {name}: {value!r} is not an absolute http(s) URL", code)
    return value


def _filters(
    params: Params,
    name: str,
    allowed: frozenset[str],
    code: TwilioCode = errors.INVALID_PARAMETER,
) -> list[str] | None:
    values = params.get(name)
    if values is None:
        return None
    result: list[str] = []
    for value in values:
        if value == "":
            continue  # `Filters=` alone clears the list
        if value not in allowed:
            raise invalid(
                f"Invalid value for {name}: {value!r} is not a webhook event filter", code
            )
        if value not in result:
            result.append(value)
    return result


def timer_seconds(value: str) -> int | None:
    """Seconds of a Twilio timer duration (days or smaller, whole seconds); None if malformed."""
    match = _TIMER.match(value)
    if not match or value in ("P", "PT") or value.endswith("T"):
        return None
    try:
        days, hours, minutes, seconds = (int(group or 0) for group in match.groups())
    except ValueError:  # more digits than int() converts
        return None
    return ((days * 24 + hours) * 60 + minutes) * 60 + seconds


def _timer(
    value: str, name: str, minimum: int, format_code: TwilioCode, minimum_code: TwilioCode
) -> str | None:
    if value == "":
        return None
    seconds = timer_seconds(value)
    if seconds is None:
        raise invalid(
            f"Invalid value for {name}: {value!r} is not an ISO 8601 duration in days, hours, "
            "minutes or whole seconds",
            format_code,
        )
    if seconds > catalog.MAX_TIMER_SECONDS:
        raise invalid(
            f"Invalid value for {name}: longer than the longest timer, {catalog.MAX_TIMER}",
            format_code,
        )
    if 0 < seconds < minimum:
        raise invalid(
            f"Invalid value for {name}: the minimum is {minimum} seconds (PT0S disables)",
            minimum_code,
        )
    return value


def _digest(secret: str) -> str:
    """Secrets are write-only: keep a fingerprint, never the value, not even on disk."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- the account


class Account:
    """One Twilio account's Conversations configuration. Not thread-safe: callers lock."""

    def __init__(self, account_sid: str, clock: Callable[[], str] = twilio_now) -> None:
        self.account_sid = account_sid
        self.clock = clock
        self.seq = 0
        self.configuration: dict[str, Any] = {
            "default_chat_service_sid": None,
            "default_messaging_service_sid": None,
            "default_inactive_timer": None,
            "default_closed_timer": None,
        }
        self.webhooks: dict[str, Any] = {
            "method": "POST",
            "filters": [],
            "pre_webhook_url": None,
            "post_webhook_url": None,
            "target": "webhook",
        }
        self.services: dict[str, dict[str, Any]] = {}
        self.service_configurations: dict[str, dict[str, Any]] = {}
        self.notifications: dict[str, dict[str, Any]] = {}
        self.service_webhooks: dict[str, dict[str, Any]] = {}
        self.roles: dict[str, dict[str, dict[str, Any]]] = {}
        self.addresses: dict[str, dict[str, Any]] = {}
        self.credentials: dict[str, dict[str, Any]] = {}
        # Records changed since the last drain_changes(), in the order they were first
        # touched (a dict as an ordered set): the journal then costs a write what it changed,
        # not what the account holds.
        self._dirty: dict[StatePath, None] = {}

    @classmethod
    def fresh(cls, account_sid: str) -> Account:
        """A new account as Twilio hands it out: with its default conversation service."""
        account = cls(account_sid)
        service = account._create_service("Default Conversations Service")
        account.configuration["default_chat_service_sid"] = service["sid"]
        account._touch("configuration")
        return account

    def _next_seq(self) -> int:
        self.seq += 1
        self._touch("seq")
        return self.seq

    # ------------------------------------------------------------ dirty tracking

    def _touch(self, *path: str) -> None:
        """Note that the record at `path` was created, changed or deleted."""
        self._dirty[path] = None

    @property
    def has_changes(self) -> bool:
        return bool(self._dirty)

    def drain_changes(self) -> list[dict[str, Any]]:
        """The records changed since the last drain, each `{"path": [...], "value": ...}` with
        its current value (None: deleted), in the order they were first touched; and forget
        them. The values are live objects: serialize them before releasing the lock. A role
        whose service's whole set of roles changed too travels inside that set."""
        dirty = self._dirty
        changes = [
            {"path": list(path), "value": self._lookup(path)}
            for path in dirty
            if len(path) < 3 or path[:2] not in dirty
        ]
        self._dirty = {}
        return changes

    def discard_changes(self) -> None:
        """Forget the changes (in memory there is nothing to journal them to)."""
        self._dirty = {}

    def _lookup(self, path: StatePath) -> Any:
        node: Any = getattr(self, path[0])
        for key in path[1:]:
            node = node.get(key)
            if node is None:
                return None
        return node

    def apply_change(self, path: Sequence[str], value: Any) -> None:
        """Replay one journaled change: the record at `path` becomes `value` (None deletes
        it). Containers on the way are created if missing, so replaying a journal holds even
        where a later entry of it deleted the container."""
        if (
            not isinstance(path, (list, tuple))
            or not path
            or not all(isinstance(key, str) for key in path)
        ):
            raise ValueError(f"unusable state path {path!r}")
        root = path[0]
        if len(path) not in STATE_PATH_LENGTHS.get(root, ()):
            raise ValueError(f"unknown state path {list(path)!r}")
        if root == "seq":
            if not isinstance(value, int) or isinstance(value, bool):
                raise ValueError(f"seq must be an integer, not {value!r}")
            self.seq = value
            return
        if not isinstance(value, (dict, type(None))) or (value is None and len(path) == 1):
            raise ValueError(f"unusable value for {list(path)!r}: {value!r}")
        if len(path) == 1:
            setattr(self, root, value)
            return
        node: dict[str, Any] = getattr(self, root)
        for key in path[1:-1]:
            node = node.setdefault(key, {})
        if value is None:
            node.pop(path[-1], None)
        else:
            node[path[-1]] = value

    # ------------------------------------------------------------ persistence

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": STATE_VERSION,
            "account_sid": self.account_sid,
            "seq": self.seq,
            "configuration": self.configuration,
            "webhooks": self.webhooks,
            "services": list(self.services.values()),
            "service_configurations": self.service_configurations,
            "notifications": self.notifications,
            "service_webhooks": self.service_webhooks,
            "roles": {sid: list(roles.values()) for sid, roles in self.roles.items()},
            "addresses": list(self.addresses.values()),
            "credentials": list(self.credentials.values()),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Account:
        if data.get("version") != STATE_VERSION:
            raise ValueError(f"unsupported emulator state version {data.get('version')!r}")
        account = cls(str(data["account_sid"]))
        data = deepcopy(dict(data))
        account.seq = int(data["seq"])
        account.configuration = data["configuration"]
        account.webhooks = data["webhooks"]
        account.services = {item["sid"]: item for item in data["services"]}
        account.service_configurations = data["service_configurations"]
        account.notifications = data["notifications"]
        account.service_webhooks = data["service_webhooks"]
        account.roles = {
            sid: {role["sid"]: role for role in roles} for sid, roles in data["roles"].items()
        }
        account.addresses = {item["sid"]: item for item in data["addresses"]}
        account.credentials = {item["sid"]: item for item in data["credentials"]}
        return account

    # ------------------------------------------------------------ account configuration

    def get_configuration(self) -> View:
        return {"account_sid": self.account_sid, **self.configuration}

    def update_configuration(self, params: Params) -> View:
        changes: dict[str, Any] = {}
        service_sid = _one(params, "DefaultChatServiceSid")
        if service_sid is not None:
            _sid(service_sid, "DefaultChatServiceSid", "IS")
            if service_sid not in self.services:
                raise invalid(
                    f"Invalid value for DefaultChatServiceSid: service {service_sid} not found",
                    errors.SERVICE_NOT_FOUND,
                )
            changes["default_chat_service_sid"] = service_sid
        messaging = _one(params, "DefaultMessagingServiceSid")
        if messaging is not None:
            changes["default_messaging_service_sid"] = (
                _sid(
                    messaging,
                    "DefaultMessagingServiceSid",
                    "MG",
                    errors.INVALID_MESSAGING_SERVICE,
                )
                if messaging
                else None
            )
        inactive = _one(params, "DefaultInactiveTimer")
        if inactive is not None:
            changes["default_inactive_timer"] = _timer(
                inactive,
                "DefaultInactiveTimer",
                catalog.MIN_INACTIVE_TIMER_SECONDS,
                errors.INACTIVE_TIMER_FORMAT,
                errors.INACTIVE_TIMER_MINIMUM,
            )
        closed = _one(params, "DefaultClosedTimer")
        if closed is not None:
            changes["default_closed_timer"] = _timer(
                closed,
                "DefaultClosedTimer",
                catalog.MIN_CLOSED_TIMER_SECONDS,
                errors.CLOSED_TIMER_FORMAT,
                errors.CLOSED_TIMER_MINIMUM,
            )
        self.configuration.update(changes)
        self._touch("configuration")
        return self.get_configuration()

    def get_webhooks(self) -> View:
        return {"account_sid": self.account_sid, **deepcopy(self.webhooks)}

    def update_webhooks(self, params: Params) -> View:
        changes = _webhook_changes(params, catalog.ACCOUNT_WEBHOOK_FILTERS)
        target = _one(params, "Target")
        if target is not None:
            changes["target"] = _enum(target, "Target", catalog.WEBHOOK_TARGETS)
        self.webhooks.update(changes)
        self._touch("webhooks")
        return self.get_webhooks()

    # ------------------------------------------------------------ services

    def _service(self, sid: str, path: str) -> dict[str, Any]:
        service = self.services.get(sid)
        if service is None:
            raise not_found(path)
        return service

    def _create_service(self, friendly_name: str) -> dict[str, Any]:
        now = self.clock()
        sid = new_sid("IS")
        service = {
            "sid": sid,
            "friendly_name": friendly_name,
            "date_created": now,
            "date_updated": now,
            "seq": self._next_seq(),
        }
        self.services[sid] = service
        self.roles[sid] = {}
        self._touch("services", sid)
        self._touch("roles", sid)
        by_name: dict[str, str] = {}
        for name, role_type, permissions in catalog.BUILTIN_ROLES:
            role = self._add_role(sid, name, role_type, list(permissions))
            by_name[name] = role["sid"]
        self.service_configurations[sid] = {
            key: by_name[name] for key, name in catalog.BUILTIN_DEFAULTS.items()
        } | {"reachability_enabled": False}
        self.notifications[sid] = deepcopy(catalog.DEFAULT_NOTIFICATIONS)
        self.service_webhooks[sid] = {
            "pre_webhook_url": None,
            "post_webhook_url": None,
            "filters": [],
            "method": "POST",
        }
        for collection in ("service_configurations", "notifications", "service_webhooks"):
            self._touch(collection, sid)
        return service

    def _service_view(self, service: Mapping[str, Any]) -> View:
        return {
            "account_sid": self.account_sid,
            "sid": service["sid"],
            "friendly_name": service["friendly_name"],
            "date_created": service["date_created"],
            "date_updated": service["date_updated"],
        }

    def create_service(self, params: Params) -> View:
        name = _name(params, "FriendlyName", catalog.MAX_SERVICE_NAME, required=True)
        assert name is not None
        return self._service_view(self._create_service(name))

    def get_service(self, sid: str, path: str) -> View:
        return self._service_view(self._service(sid, path))

    def list_services(self) -> Listing:
        return [(s["seq"], partial(self._service_view, s)) for s in self.services.values()]

    def delete_service(self, sid: str, path: str) -> None:
        self._service(sid, path)
        if sid == self.configuration["default_chat_service_sid"]:
            raise conflict(
                f"Service {sid} is the account's default conversation service and cannot be "
                "deleted; set another DefaultChatServiceSid on /v1/Configuration first"
            )
        for collection in (
            "services",
            "roles",
            "service_configurations",
            "notifications",
            "service_webhooks",
        ):
            del getattr(self, collection)[sid]
            self._touch(collection, sid)

    # ------------------------------------------------------------ per-service settings

    def get_service_configuration(self, sid: str, path: str) -> View:
        self._service(sid, path)
        return {"chat_service_sid": sid, **self.service_configurations[sid]}

    def update_service_configuration(self, sid: str, path: str, params: Params) -> View:
        self._service(sid, path)
        changes: dict[str, Any] = {}
        for param, key, role_type, missing in (
            (
                "DefaultConversationCreatorRoleSid",
                "default_conversation_creator_role_sid",
                "conversation",
                errors.CREATOR_ROLE_NOT_FOUND,
            ),
            (
                "DefaultConversationRoleSid",
                "default_conversation_role_sid",
                "conversation",
                errors.CONVERSATION_ROLE_NOT_FOUND,
            ),
            (
                "DefaultChatServiceRoleSid",
                "default_chat_service_role_sid",
                "service",
                errors.ROLE_NOT_FOUND,
            ),
        ):
            value = _one(params, param)
            if value is None:
                continue
            _sid(value, param, "RL")
            role = self.roles[sid].get(value)
            if role is None:
                raise invalid(
                    f"Invalid value for {param}: role {value} is not a role of service {sid}",
                    missing,
                )
            if role["type"] != role_type:
                raise invalid(
                    f"Invalid value for {param}: role {value} is a {role['type']} role, "
                    f"a {role_type} role is required",
                    errors.INVALID_ROLE_TYPE,
                )
            changes[key] = value
        reachability = _bool(params, "ReachabilityEnabled")
        if reachability is not None:
            changes["reachability_enabled"] = reachability
        self.service_configurations[sid].update(changes)
        self._touch("service_configurations", sid)
        return self.get_service_configuration(sid, path)

    def get_notifications(self, sid: str, path: str) -> View:
        self._service(sid, path)
        return {
            "account_sid": self.account_sid,
            "chat_service_sid": sid,
            **deepcopy(self.notifications[sid]),
        }

    def update_notifications(self, sid: str, path: str, params: Params) -> View:
        self._service(sid, path)
        updated = deepcopy(self.notifications[sid])
        log_enabled = _bool(params, "LogEnabled")
        if log_enabled is not None:
            updated["log_enabled"] = log_enabled
        sections = (
            (
                "NewMessage",
                updated["new_message"],
                ("Enabled", "Template", "Sound", "BadgeCountEnabled"),
            ),
            ("NewMessage.WithMedia", updated["new_message"]["with_media"], ("Enabled", "Template")),
            (
                "AddedToConversation",
                updated["added_to_conversation"],
                ("Enabled", "Template", "Sound"),
            ),
            (
                "RemovedFromConversation",
                updated["removed_from_conversation"],
                ("Enabled", "Template", "Sound"),
            ),
        )
        for prefix, section, fields in sections:
            for field in fields:
                name = f"{prefix}.{field}"
                key = _snake(field)
                if field in ("Enabled", "BadgeCountEnabled"):
                    flag = _bool(params, name)
                    if flag is not None:
                        section[key] = flag
                else:
                    text = _one(params, name)
                    if text is not None:
                        if field == "Template":
                            _text(text, name, catalog.MAX_TEMPLATE, errors.TEMPLATE_TOO_LONG)
                        else:
                            _text(text, name, catalog.MAX_SOUND, errors.SOUND_TOO_LONG)
                        section[key] = text or None
        self.notifications[sid] = updated
        self._touch("notifications", sid)
        return self.get_notifications(sid, path)

    def get_service_webhooks(self, sid: str, path: str) -> View:
        self._service(sid, path)
        return {
            "account_sid": self.account_sid,
            "chat_service_sid": sid,
            **deepcopy(self.service_webhooks[sid]),
        }

    def update_service_webhooks(self, sid: str, path: str, params: Params) -> View:
        self._service(sid, path)
        changes = _webhook_changes(params, catalog.SERVICE_WEBHOOK_FILTERS)
        self.service_webhooks[sid].update(changes)
        self._touch("service_webhooks", sid)
        return self.get_service_webhooks(sid, path)

    # ------------------------------------------------------------ roles

    def _add_role(
        self, service_sid: str, name: str, role_type: str, permissions: list[str]
    ) -> dict[str, Any]:
        now = self.clock()
        role: dict[str, Any] = {
            "sid": new_sid("RL"),
            "chat_service_sid": service_sid,
            "friendly_name": name,
            "type": role_type,
            "permissions": permissions,
            "date_created": now,
            "date_updated": now,
            "seq": self._next_seq(),
        }
        self.roles[service_sid][role["sid"]] = role
        self._touch("roles", service_sid, role["sid"])
        return role

    def _role_view(self, role: Mapping[str, Any]) -> View:
        return {
            "sid": role["sid"],
            "account_sid": self.account_sid,
            "chat_service_sid": role["chat_service_sid"],
            "friendly_name": role["friendly_name"],
            "type": role["type"],
            "permissions": list(role["permissions"]),
            "date_created": role["date_created"],
            "date_updated": role["date_updated"],
        }

    def _role(self, service_sid: str, sid: str, path: str) -> dict[str, Any]:
        self._service(service_sid, path)
        role = self.roles[service_sid].get(sid)
        if role is None:
            raise not_found(path)
        return role

    def create_role(self, service_sid: str, path: str, params: Params) -> View:
        self._service(service_sid, path)
        name = _name(params, "FriendlyName", catalog.MAX_ROLE_NAME, required=True)
        assert name is not None
        role_type = _enum(
            _required(params, "Type"), "Type", catalog.ROLE_TYPES, code=errors.INVALID_ROLE_TYPE
        )
        permissions = _permissions(params, role_type)
        if any(r["friendly_name"] == name for r in self.roles[service_sid].values()):
            raise conflict(f"A role named {name!r} already exists in service {service_sid}")
        return self._role_view(self._add_role(service_sid, name, role_type, permissions))

    def get_role(self, service_sid: str, sid: str, path: str) -> View:
        return self._role_view(self._role(service_sid, sid, path))

    def list_roles(self, service_sid: str, path: str) -> Listing:
        self._service(service_sid, path)
        return [(r["seq"], partial(self._role_view, r)) for r in self.roles[service_sid].values()]

    def update_role(self, service_sid: str, sid: str, path: str, params: Params) -> View:
        role = self._role(service_sid, sid, path)
        role["permissions"] = _permissions(params, role["type"])
        role["date_updated"] = self.clock()
        self._touch("roles", service_sid, sid)
        return self._role_view(role)

    def delete_role(self, service_sid: str, sid: str, path: str) -> None:
        self._role(service_sid, sid, path)
        config = self.service_configurations[service_sid]
        uses = [key for key in catalog.BUILTIN_DEFAULTS if config.get(key) == sid]
        if uses:
            raise conflict(
                f"Role {sid} is the service's {', '.join(uses)}; point the service "
                "configuration at another role before deleting it"
            )
        del self.roles[service_sid][sid]
        self._touch("roles", service_sid, sid)

    # ------------------------------------------------------------ address configurations

    def _address_view(self, item: Mapping[str, Any]) -> View:
        auto = {key: value for key, value in item["auto_creation"].items() if value is not None}
        return {
            "sid": item["sid"],
            "account_sid": self.account_sid,
            "type": item["type"],
            "address": item["address"],
            "friendly_name": item["friendly_name"],
            "auto_creation": deepcopy(auto),
            "date_created": item["date_created"],
            "date_updated": item["date_updated"],
            "address_country": item["address_country"],
        }

    def _address(self, sid_or_address: str, path: str) -> dict[str, Any]:
        item = self.addresses.get(sid_or_address)
        if item is None and not sid_pattern("IG").match(sid_or_address):
            item = next(
                (a for a in self.addresses.values() if a["address"] == sid_or_address), None
            )
        if item is None:
            raise not_found(path)
        return item

    def _auto_creation(self, params: Params, current: Mapping[str, Any]) -> dict[str, Any]:
        """Apply the AutoCreation.* parameters; the result holds the keys of its type only
        (switching webhook -> studio drops the webhook settings, as Twilio's examples show)."""
        auto = {key: value for key, value in current.items() if value is not None}
        enabled = _bool(params, "AutoCreation.Enabled")
        if enabled is not None:
            auto["enabled"] = enabled
        kind = _one(params, "AutoCreation.Type")
        if kind is not None:
            auto["type"] = _enum(kind, "AutoCreation.Type", catalog.AUTO_CREATION_TYPES)
        service = _one(params, "AutoCreation.ConversationServiceSid")
        if service is not None:
            _sid(service, "AutoCreation.ConversationServiceSid", "IS")
            if service not in self.services:
                raise invalid(
                    "Invalid value for AutoCreation.ConversationServiceSid: "
                    f"service {service} not found",
                    errors.SERVICE_NOT_FOUND,
                )
            auto["conversation_service_sid"] = service
        url = _one(params, "AutoCreation.WebhookUrl")
        if url is not None:
            auto["webhook_url"] = _url(
                url, "AutoCreation.WebhookUrl", too_long=errors.WEBHOOK_URL_TOO_LONG
            )
        method = _one(params, "AutoCreation.WebhookMethod")
        if method is not None:
            auto["webhook_method"] = _enum(
                method,
                "AutoCreation.WebhookMethod",
                catalog.WEBHOOK_METHODS,
                fold=True,
                code=errors.INVALID_WEBHOOK_METHOD,
            )
        filters = _filters(
            params,
            "AutoCreation.WebhookFilters",
            catalog.ADDRESS_WEBHOOK_FILTERS,
            errors.INVALID_WEBHOOK_FILTER,
        )
        if filters is not None:
            auto["webhook_filters"] = filters
        flow = _one(params, "AutoCreation.StudioFlowSid")
        if flow is not None:
            auto["studio_flow_sid"] = _sid(
                flow, "AutoCreation.StudioFlowSid", "FW", errors.INVALID_FLOW_SID
            )
        retries = _int(params, "AutoCreation.StudioRetryCount", code=errors.INVALID_RETRY_COUNT)
        if retries is not None:
            auto["studio_retry_count"] = retries
        auto.setdefault("enabled", False)
        kind = auto.get("type")
        if kind is not None:
            keep = catalog.AUTO_CREATION_COMMON_KEYS + catalog.AUTO_CREATION_KEYS[kind]
            auto = {key: value for key, value in auto.items() if key in keep}
        auto = {key: value for key, value in auto.items() if value is not None}
        if auto["enabled"] and kind == "webhook" and not auto.get("webhook_url"):
            raise invalid(
                "Missing required parameter AutoCreation.WebhookUrl for type webhook",
                errors.WEBHOOK_URL_MISSING,
            )
        if auto["enabled"] and kind == "studio" and not auto.get("studio_flow_sid"):
            raise invalid("Missing required parameter AutoCreation.StudioFlowSid for type studio")
        return auto

    def create_address(self, params: Params) -> View:
        address_type = _enum(_required(params, "Type"), "Type", catalog.ADDRESS_TYPES)
        address = _text(_required(params, "Address"), "Address", catalog.MAX_ADDRESS, _INVALID)
        if address_type == "sms" and not _E164.match(address):
            raise invalid(f"Invalid value for Address: {address!r} is not an E.164 phone number")
        if address_type == "whatsapp" and not _WHATSAPP.match(address):
            raise invalid(f"Invalid value for Address: {address!r} is not a WhatsApp number")
        name = _name(params, "FriendlyName", catalog.MAX_ADDRESS_NAME)
        country = _one(params, "AddressCountry")
        if country is not None and not _COUNTRY.match(country):
            raise invalid(
                f"Invalid value for AddressCountry: {country!r} is not ISO 3166-1 alpha-2"
            )
        auto = self._auto_creation(params, {})
        if any(
            a["type"] == address_type and a["address"] == address for a in self.addresses.values()
        ):
            raise conflict(
                f"An address configuration for {address_type} address {address} already exists"
            )
        now = self.clock()
        item: dict[str, Any] = {
            "sid": new_sid("IG"),
            "type": address_type,
            "address": address,
            "friendly_name": name,
            "auto_creation": auto,
            "address_country": country,
            "date_created": now,
            "date_updated": now,
            "seq": self._next_seq(),
        }
        self.addresses[item["sid"]] = item
        self._touch("addresses", item["sid"])
        return self._address_view(item)

    def get_address(self, sid: str, path: str) -> View:
        return self._address_view(self._address(sid, path))

    def list_addresses(self, address_type: str | None) -> Listing:
        return [
            (a["seq"], partial(self._address_view, a))
            for a in self.addresses.values()
            if address_type is None or a["type"] == address_type
        ]

    def update_address(self, sid: str, path: str, params: Params) -> View:
        item = self._address(sid, path)
        name = _name(params, "FriendlyName", catalog.MAX_ADDRESS_NAME)
        auto = self._auto_creation(params, item["auto_creation"])
        if name is not None:
            item["friendly_name"] = name or None
        item["auto_creation"] = auto
        item["date_updated"] = self.clock()
        self._touch("addresses", item["sid"])
        return self._address_view(item)

    def delete_address(self, sid: str, path: str) -> None:
        found = self._address(sid, path)["sid"]
        del self.addresses[found]
        self._touch("addresses", found)

    # ------------------------------------------------------------ credentials

    def _credential_view(self, item: Mapping[str, Any]) -> View:
        return {
            "sid": item["sid"],
            "account_sid": self.account_sid,
            "friendly_name": item["friendly_name"],
            "type": item["type"],
            "sandbox": item["sandbox"],
            "date_created": item["date_created"],
            "date_updated": item["date_updated"],
        }

    def _credential(self, sid: str, path: str) -> dict[str, Any]:
        item = self.credentials.get(sid)
        if item is None:
            raise not_found(path)
        return item

    def _credential_fields(self, params: Params, item: dict[str, Any]) -> None:
        name = _name(params, "FriendlyName", catalog.MAX_CREDENTIAL_NAME)
        if name is not None:
            item["friendly_name"] = name or None
        sandbox = _bool(params, "Sandbox")
        if sandbox is not None:
            item["sandbox"] = "True" if sandbox else "False"
        for param, key in (
            ("Certificate", "certificate"),
            ("PrivateKey", "private_key"),
            ("ApiKey", "api_key"),
            ("Secret", "secret"),
        ):
            value = _one(params, param)
            if value:
                item["secret_digests"][key] = _digest(value)

    def create_credential(self, params: Params) -> View:
        cred_type = _enum(_required(params, "Type"), "Type", catalog.CREDENTIAL_TYPES)
        required = {"apn": ("Certificate", "PrivateKey"), "gcm": ("ApiKey",), "fcm": ("Secret",)}
        for param in required[cred_type]:
            _required(params, param)
        now = self.clock()
        item: dict[str, Any] = {
            "sid": new_sid("CR"),
            "friendly_name": None,
            "type": cred_type,
            "sandbox": "False",
            "secret_digests": {},
            "date_created": now,
            "date_updated": now,
            "seq": 0,
        }
        self._credential_fields(params, item)
        item["seq"] = self._next_seq()
        self.credentials[item["sid"]] = item
        self._touch("credentials", item["sid"])
        return self._credential_view(item)

    def get_credential(self, sid: str, path: str) -> View:
        return self._credential_view(self._credential(sid, path))

    def list_credentials(self) -> Listing:
        return [(c["seq"], partial(self._credential_view, c)) for c in self.credentials.values()]

    def update_credential(self, sid: str, path: str, params: Params) -> View:
        item = self._credential(sid, path)
        updated = deepcopy(item)
        cred_type = _one(params, "Type")
        if cred_type is not None:
            updated["type"] = _enum(cred_type, "Type", catalog.CREDENTIAL_TYPES)
        self._credential_fields(params, updated)
        updated["date_updated"] = self.clock()
        self.credentials[sid] = updated
        self._touch("credentials", sid)
        return self._credential_view(updated)

    def delete_credential(self, sid: str, path: str) -> None:
        self._credential(sid, path)
        del self.credentials[sid]
        self._touch("credentials", sid)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def _permissions(params: Params, role_type: str) -> list[str]:
    values = [v for v in params.get("Permission", []) if v != ""]
    if not values:
        raise invalid("Missing required parameter Permission in the post body")
    allowed = catalog.PERMISSIONS_BY_ROLE_TYPE[role_type]
    result: list[str] = []
    for value in values:
        if value not in allowed:
            raise invalid(
                f"Invalid value for Permission: {value!r} is not valid for a {role_type} role",
                errors.PERMISSION_NOT_FOUND,
            )
        if value not in result:
            result.append(value)
    return result


def _webhook_changes(params: Params, allowed_filters: frozenset[str]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    method = _one(params, "Method")
    if method is not None:
        changes["method"] = _enum(
            method, "Method", catalog.WEBHOOK_METHODS, fold=True, code=errors.INVALID_WEBHOOK_METHOD
        )
    filters = _filters(params, "Filters", allowed_filters)
    if filters is not None:
        changes["filters"] = filters
    for param, key in (
        ("PreWebhookUrl", "pre_webhook_url"),
        ("PostWebhookUrl", "post_webhook_url"),
    ):
        value = _one(params, param)
        if value is not None:
            changes[key] = _url(value, param)
    return changes
