"""Conversations (/v1/Services/{IS}/Conversations, and /v1/Conversations for the default
service's): the threads a service holds, which a service's deletion takes with it.

Fields, parameters and states are the OpenAPI description's (`conversations.v1.conversation`,
CreateConversationRequest); lengths are Conversations' limits page (FriendlyName 256
characters, Attributes 16KB). A conversation is addressed by its SID or its unique name,
which is unique within its service and may not look like a conversation SID. What the docs do
not say is recorded in docs/emulator.md ("Conversations").
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from functools import partial
from typing import Any

from reconciler.emulator import catalog, errors, form
from reconciler.emulator.apis.conversations.models.state import AccountState, MessagingCheck
from reconciler.emulator.errors import ApiError
from reconciler.emulator.form import Params, invalid, not_found
from reconciler.emulator.records import Listing, View, new_sid
from reconciler.emulator.records import now as dated_now

CONVERSATION_SID = form.sid_pattern("CH")
TWILIO_DATE = "%Y-%m-%dT%H:%M:%SZ"
DESCENDING_BASE = 1 << 62
"""Date-filtered lists run newest first: their paging keys count down from here."""
TIMERS = (
    (
        "Timers.Inactive",
        "date_inactive",
        catalog.MIN_INACTIVE_TIMER_SECONDS,
        errors.INACTIVE_TIMER_FORMAT,
        errors.INACTIVE_TIMER_MINIMUM,
    ),
    (
        "Timers.Closed",
        "date_closed",
        catalog.MIN_CLOSED_TIMER_SECONDS,
        errors.CLOSED_TIMER_FORMAT,
        errors.CLOSED_TIMER_MINIMUM,
    ),
)
"""(parameter, the `timers` key it sets, minimum seconds, code when malformed, code when below
the minimum): the same rules, and codes, as the account's default timers."""
FIELDS = (
    "sid",
    "account_sid",
    "chat_service_sid",
    "messaging_service_sid",
    "friendly_name",
    "unique_name",
    "attributes",
    "date_created",
    "date_updated",
    "state",
    "timers",
    "bindings",
)


class ConversationsModel(AccountState):
    def _service_conversations(self, service_sid: str, path: str) -> dict[str, dict[str, Any]]:
        self._service(service_sid, path)
        return self.conversations.get(service_sid, {})

    def _conversation(self, service_sid: str, key: str, path: str) -> dict[str, Any]:
        """A conversation by SID or unique name, or 404."""
        conversations = self._service_conversations(service_sid, path)
        found = conversations.get(key)
        if found is None:
            found = next((c for c in conversations.values() if c["unique_name"] == key), None)
        if found is None:
            raise not_found(path)
        return found

    def conversation_sid(self, service_sid: str, key: str) -> str:
        """The SID `key` names (a SID or a unique name); `key` itself if none (the rate limit
        keys updates by conversation before the request is handled)."""
        for sid, conversation in self.conversations.get(service_sid, {}).items():
            if key in (sid, conversation["unique_name"]):
                return sid
        return key

    def _conversation_view(self, conversation: dict[str, Any]) -> View:
        view = {field: conversation[field] for field in FIELDS}
        view["account_sid"] = self.account_sid
        copy: View = json.loads(json.dumps(view))  # a copy: the caller cannot reach the state
        return copy

    def create_conversation(
        self, service_sid: str, path: str, params: Params, messaging: MessagingCheck
    ) -> View:
        self._service(service_sid, path)
        now = self.clock()
        conversation: dict[str, Any] = {
            "sid": new_sid("CH"),
            "account_sid": self.account_sid,
            "chat_service_sid": service_sid,
            "messaging_service_sid": self.configuration["default_messaging_service_sid"],
            "friendly_name": None,
            "unique_name": None,
            "attributes": "{}",
            "date_created": now,
            "date_updated": now,
            "state": "active",
            "timers": {},
            "bindings": {},
            "seq": 0,
        }
        changes = self._conversation_changes(service_sid, None, params, messaging)
        conversation.update(changes)
        conversation["seq"] = self._next_seq()
        self.conversations.setdefault(service_sid, {})[conversation["sid"]] = conversation
        self._touch("conversations", service_sid, conversation["sid"])
        return self._conversation_view(conversation)

    def get_conversation(self, service_sid: str, key: str, path: str) -> View:
        return self._conversation_view(self._conversation(service_sid, key, path))

    def update_conversation(
        self, service_sid: str, key: str, path: str, params: Params, messaging: MessagingCheck
    ) -> View:
        conversation = self._conversation(service_sid, key, path)
        changes = self._conversation_changes(service_sid, conversation, params, messaging)
        conversation.update({"date_updated": self.clock(), **changes})
        self._touch("conversations", service_sid, conversation["sid"])
        return self._conversation_view(conversation)

    def delete_conversation(self, service_sid: str, key: str, path: str) -> None:
        sid = self._conversation(service_sid, key, path)["sid"]
        del self.conversations[service_sid][sid]
        self._touch("conversations", service_sid, sid)

    def list_conversations(self, service_sid: str, path: str, query: Params) -> Listing:
        """Oldest first; with `StartDate`/`EndDate`, newest first (as the description says),
        keyed so that paging tokens still work."""
        conversations = self._service_conversations(service_sid, path).values()
        state = form.one(query, "State")
        if state is not None:
            form.enum(state, "State", catalog.CONVERSATION_STATES)
        start = _day(query, "StartDate", "T00:00:00Z")
        end = _day(query, "EndDate", "T23:59:59Z")
        chosen = [
            c
            for c in conversations
            if (state is None or c["state"] == state)
            and (start is None or c["date_created"] >= start)
            and (end is None or c["date_created"] <= end)
        ]
        if start is None and end is None:
            return [(c["seq"], partial(self._conversation_view, c)) for c in chosen]
        return [
            (DESCENDING_BASE - c["seq"], partial(self._conversation_view, c))
            for c in reversed(chosen)
        ]

    def _conversation_changes(
        self,
        service_sid: str,
        current: dict[str, Any] | None,
        params: Params,
        messaging: MessagingCheck,
    ) -> dict[str, Any]:
        """The fields `params` sets, every one checked before any is applied."""
        changes: dict[str, Any] = {}
        name = form.friendly_name(params, "FriendlyName", catalog.MAX_CONVERSATION_NAME)
        if name is not None:
            changes["friendly_name"] = name or None
        unique_name = form.one(params, "UniqueName")
        if unique_name is not None:
            changes["unique_name"] = self._unique_name(service_sid, current, unique_name)
        attributes = form.one(params, "Attributes")
        if attributes is not None:
            changes["attributes"] = _attributes(attributes)
        messaging_sid = form.one(params, "MessagingServiceSid")
        if messaging_sid:
            changes["messaging_service_sid"] = self._own_messaging_service(
                messaging_sid, "MessagingServiceSid", messaging
            )
        state = form.one(params, "State")
        if state is not None:
            changes["state"] = form.enum(state, "State", catalog.CONVERSATION_STATES)
        for param, field in (("DateCreated", "date_created"), ("DateUpdated", "date_updated")):
            value = form.one(params, param)
            if value is not None:
                changes[field] = _timestamp(value, param)
        timers = self._timers(current, params)
        if timers is not None:
            changes["timers"] = timers
        email = {
            key: value
            for key, param in (
                ("address", "Bindings.Email.Address"),
                ("name", "Bindings.Email.Name"),
            )
            if (value := form.one(params, param)) is not None
        }
        if email:
            previous = (current or {}).get("bindings", {}).get("email", {})
            changes["bindings"] = {"email": {"address": None, "name": None, **previous, **email}}
        return changes

    def _unique_name(
        self, service_sid: str, current: dict[str, Any] | None, value: str
    ) -> str | None:
        if value == "":
            return None
        if CONVERSATION_SID.match(value):
            raise invalid(
                f"Invalid value for UniqueName: {value!r} looks like a conversation SID",
                errors.UNIQUE_NAME_IS_SID,
            )
        for other in self.conversations.get(service_sid, {}).values():
            if other["unique_name"] == value and other is not current:
                raise conflict_unique(value, service_sid)
        return value

    def _timers(self, current: dict[str, Any] | None, params: Params) -> dict[str, str] | None:
        """`timers` as Twilio shows them: the dates the conversation turns inactive and closed,
        counted from now; PT0S (or an empty value) removes that timer."""
        timers = dict((current or {}).get("timers", {}))
        now = dated_now()
        given = False
        for param, key, minimum, format_code, minimum_code in TIMERS:
            value = form.one(params, param)
            if value is None:
                continue
            given = True
            checked = form.timer(value, param, minimum, format_code, minimum_code)
            seconds = form.timer_seconds(checked) if checked else 0
            if seconds:
                timers[key] = (now + timedelta(seconds=seconds)).strftime(TWILIO_DATE)
            else:
                timers.pop(key, None)
        return timers if given else None


def conflict_unique(value: str, service_sid: str) -> ApiError:
    return ApiError(
        errors.DUPLICATE_UNIQUE_NAME,
        f"A conversation with unique name {value!r} exists in service {service_sid}",
    )


def _attributes(value: str) -> str:
    """A JSON document of at most 16KB, kept as the string it was given."""
    if len(value.encode("utf-8")) > catalog.MAX_CONVERSATION_ATTRIBUTES:
        raise invalid(
            f"Invalid value for Attributes: longer than {catalog.MAX_CONVERSATION_ATTRIBUTES} "
            "bytes",
            errors.ATTRIBUTES_TOO_LONG,
        )
    try:
        json.loads(value)
    except ValueError:
        raise invalid(
            "Invalid value for Attributes: not JSON", errors.ATTRIBUTES_NOT_JSON
        ) from None
    return value


def _timestamp(value: str, name: str) -> str:
    """An ISO 8601 date-time, answered in Twilio's format (UTC, whole seconds)."""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise invalid(f"Invalid value for {name}: {value!r} is not an ISO 8601 date") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc).strftime(TWILIO_DATE)


def _day(query: Params, name: str, time_of_day: str) -> str | None:
    """A list's date filter as a Twilio timestamp: a bare date means the whole day."""
    value = form.one(query, name)
    if value is None:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        value += time_of_day
    return _timestamp(value, name)
