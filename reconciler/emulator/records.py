"""What every API's models share: minting SIDs, Twilio's timestamps, the shape of views, and
the per-account record collection of the APIs beside Conversations.

A model returns views (its public fields, without ``url``/``links``, which depend on the
request's Host); the HTTP side of its API adds those.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from copy import deepcopy
from datetime import datetime, timezone
from email.utils import format_datetime
from functools import partial
from typing import Any, TypeVar

from reconciler import clock as process_clock
from reconciler.emulator import errors
from reconciler.emulator.errors import ApiError

View = dict[str, Any]
Listing = list[tuple[int, Callable[[], View]]]
"""A list's items as (creation sequence number, view maker), oldest first: a page builds the
views of its own items only, so a page costs its size, not the list's."""
_Collection = TypeVar("_Collection", bound="Collection")


def new_sid(prefix: str) -> str:
    """Prefix plus 32 lowercase hex digits, as Twilio mints them."""
    return prefix + uuid.uuid4().hex


_stamping: ContextVar[process_clock.Clock | None] = ContextVar("stamping", default=None)


@contextmanager
def stamping(clock: process_clock.Clock) -> Iterator[None]:
    """Records made or changed in the block (in this thread) are dated by `clock`: the app
    answers each request in one, with the emulator's clock."""
    token = _stamping.set(clock)
    try:
        yield
    finally:
        _stamping.reset(token)


def now() -> datetime:
    """The time to date a record by (UTC, whole seconds): the stamping clock's, else the
    process's."""
    clock = _stamping.get() or process_clock.current()
    return datetime.fromtimestamp(int(clock.time()), timezone.utc)


def twilio_now() -> str:
    """UTC, whole seconds, trailing Z: the format Twilio's JSON uses."""
    return now().strftime("%Y-%m-%dT%H:%M:%SZ")


def rfc2822_now() -> str:
    """The 2010-04-01 API's date format: `Thu, 30 Jul 2015 20:00:00 +0000`."""
    return format_datetime(now())


class Collection:
    """One API's records of one account (SID -> plain dict), in creation order, with the dirty
    tracking the journal needs. The APIs beside Conversations (Messaging Services, Studio
    Flows, IncomingPhoneNumbers) each keep one per account, on the account's record: a write
    journals the records it touched, and the state file holds `to_dict()`.

    Each record carries its creation sequence number (`seq`), so paging tokens stay stable and
    a replayed record brings its number along. Not thread-safe: callers lock."""

    def __init__(self, records: list[dict[str, Any]] | None = None, seq: int = 0) -> None:
        self.records: dict[str, dict[str, Any]] = {item["sid"]: item for item in records or []}
        self.seq = max([seq, *(int(item["seq"]) for item in self.records.values())])
        self._dirty: dict[str, None] = {}

    def add(self, record: dict[str, Any]) -> dict[str, Any]:
        """Store a new record (with its `sid`), numbering it."""
        self.seq += 1
        record["seq"] = self.seq
        self.records[record["sid"]] = record
        self.touch(record["sid"])
        return record

    def touch(self, sid: str) -> None:
        """Note that the record `sid` was created, changed or deleted."""
        self._dirty[sid] = None

    def remove(self, sid: str) -> None:
        del self.records[sid]
        self.touch(sid)

    def get_record(self, sid: str, path: str) -> dict[str, Any]:
        """The record `sid`, which the request's URL names, or 404."""
        record = self.records.get(sid)
        if record is None:
            raise ApiError(errors.NOT_FOUND, f"The requested resource {path} was not found")
        return record

    def fetch(self, sid: str, path: str) -> View:
        return self.view(self.get_record(sid, path))

    def listing(self) -> Listing:
        """Every record as (sequence, view maker), oldest first."""
        return [(item["seq"], partial(self.summary, item)) for item in self.records.values()]

    def delete(self, sid: str, path: str) -> None:
        self.get_record(sid, path)
        self.remove(sid)

    def view(self, record: dict[str, Any]) -> View:
        """What Twilio answers for a record: its fields, without the sequence number."""
        return {key: value for key, value in record.items() if key != "seq"}

    def summary(self, record: dict[str, Any]) -> View:
        """A list item (the full view unless the API sends less in lists)."""
        return self.view(record)

    @property
    def has_changes(self) -> bool:
        return bool(self._dirty)

    def drain_changes(self) -> list[dict[str, Any]]:
        """`{"sid": ..., "value": record or None}` for each record touched since the last
        drain, and forget them. Values are live: serialize them before releasing the lock."""
        changes = [{"sid": sid, "value": self.records.get(sid)} for sid in self._dirty]
        self._dirty = {}
        return changes

    def discard_changes(self) -> None:
        self._dirty = {}

    def apply_change(self, sid: str, value: Any) -> None:
        """Replay one journaled change (None deletes the record)."""
        if not isinstance(sid, str) or not isinstance(value, (dict, type(None))):
            raise ValueError(f"unusable change of record {sid!r}: {value!r}")
        if value is None:
            self.records.pop(sid, None)
            return
        if value.get("sid") != sid or not isinstance(value.get("seq"), int):
            raise ValueError(f"record journaled as {sid!r} is not one: {value!r}")
        self.records[sid] = value
        self.seq = max(self.seq, value["seq"])

    def to_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "records": list(self.records.values())}

    @classmethod
    def from_dict(cls: type[_Collection], data: Mapping[str, Any] | None) -> _Collection:
        """A saved collection; None (a state file from before this API) is an empty one."""
        if data is None:
            return cls()
        records = data["records"]
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise ValueError("records must be a list of objects")
        return cls(deepcopy(records), int(data["seq"]))


class WritableCollection(Collection):
    """A collection whose records the API creates and updates from form parameters (what
    resources.V1Resource serves); each API's model says how."""

    def create(self, account_sid: str, params: Mapping[str, list[str]]) -> View:
        raise NotImplementedError

    def update(self, sid: str, path: str, params: Mapping[str, list[str]]) -> View:
        raise NotImplementedError
