"""The records one account's Conversations state is made of, and how they persist.

The resource modules beside this one hold the behaviour (validation, refusals, views); the
records themselves are declared here, in one class, because together they are the state
file's format: ``to_dict`` writes them, ``from_dict`` reads them, and the journal names a
record by its ``StatePath`` (the attribute, then dictionary keys). A record is a plain dict,
saved as is, so changing a resource's code never changes the file.

No HTTP here (like moto's models). Not thread-safe: callers lock.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from copy import deepcopy
from typing import Any, TypeVar

from reconciler.emulator import errors, form
from reconciler.emulator.form import invalid, not_found
from reconciler.emulator.records import View, twilio_now

StatePath = tuple[str, ...]
"""Where one record lives in an Account: an attribute, then dictionary keys, e.g.
("roles", service_sid, role_sid). The unit of dirty tracking and of the journal."""

_State = TypeVar("_State", bound="AccountState")

MessagingCheck = Callable[[str], bool]
"""Whether a Messaging Service SID belongs to the account (its Messaging API knows)."""

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
    "conversations": (2, 3),  # a service's whole set of conversations, or one conversation
}


class AccountState:
    """One Twilio account's Conversations records, with dirty tracking and persistence."""

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
        self.conversations: dict[str, dict[str, dict[str, Any]]] = {}
        """Service SID -> its conversations by SID; a service without any has no entry."""
        # Records changed since the last drain_changes(), in the order they were first
        # touched (a dict as an ordered set): the journal then costs a write what it changed,
        # not what the account holds.
        self._dirty: dict[StatePath, None] = {}

    def _next_seq(self) -> int:
        self.seq += 1
        self._touch("seq")
        return self.seq

    def _service(self, sid: str, path: str) -> dict[str, Any]:
        """The service `sid`, which every service-scoped resource's URL names, or 404."""
        service = self.services.get(sid)
        if service is None:
            raise not_found(path)
        return service

    def _own_messaging_service(self, sid: str, param: str, messaging: MessagingCheck) -> str:
        """`sid`, checked: an MG SID (50341) of one of the account's Messaging Services
        (50342)."""
        form.sid(sid, param, "MG", errors.INVALID_MESSAGING_SERVICE)
        if not messaging(sid):
            raise invalid(
                f"Messaging service {sid} does not belong to account {self.account_sid}",
                errors.FOREIGN_MESSAGING_SERVICE,
            )
        return sid

    def _referenced_service(self, value: str, name: str) -> str:
        """A parameter naming a service of this account: malformed is 20001, a well-formed
        SID of no service Chat's 50050."""
        form.sid(value, name, "IS")
        if value not in self.services:
            raise invalid(
                f"Invalid value for {name}: service {value} not found", errors.SERVICE_NOT_FOUND
            )
        return value

    def _service_settings(self, records: dict[str, dict[str, Any]], sid: str, path: str) -> View:
        """The view of one of a service's settings records (notifications, webhooks): a copy,
        so the caller cannot change the state through it."""
        self._service(sid, path)
        return {
            "account_sid": self.account_sid,
            "chat_service_sid": sid,
            **deepcopy(records[sid]),
        }

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
            "conversations": {
                sid: list(conversations.values())
                for sid, conversations in self.conversations.items()
            },
        }

    @classmethod
    def from_dict(cls: type[_State], data: Mapping[str, Any]) -> _State:
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
        # Conversations came later: a state file from before them holds none.
        account.conversations = {
            sid: {item["sid"]: item for item in items}
            for sid, items in data.get("conversations", {}).items()
        }
        return account
