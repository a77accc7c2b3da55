"""What a configuration points at in other Twilio products, and what a service deletion destroys.

Read-only, and the only place that knows these APIs' shapes: a Messaging Service (MG...) and
a Studio Flow (FW...) fetched by SID, the account's incoming phone numbers (the 2010-04-01
API), and one page of a service's conversations. Each read answers what the plan needs and no
more; a read the credentials may not make (a restricted key without that permission) is
`NotReadable`, which the plan shows as "not checked" rather than failing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from twilio.base.exceptions import TwilioException, TwilioRestException

from reconciler.kinds.base import fetch_record, first_page, list_records
from reconciler.live.retry import http_status, twilio_code

NUMBERS_PAGE_SIZE = 1000
"""IncomingPhoneNumbers pages hold up to 1,000 numbers: most accounts answer in one request."""
CONVERSATION_COUNT_BOUND = 100
"""A deletion's conversations are counted exactly up to this (one page, the largest Twilio
serves), then reported as "at least" it: one request per service, whatever it holds."""
REFUSED_STATUSES = (401, 403)
"""A neighbour read refused for these is a permission the credentials lack, not a failure."""
PUBLISHED = "published"
"""A Studio Flow's status once it runs (the other is draft)."""


class NotReadable(Exception):
    """The credentials may not read this (HTTP 401/403): the check is not made."""

    def __init__(self, what: str, error: Exception) -> None:
        code, _ = twilio_code(error)
        shown = f"error {code}, " if code else ""
        super().__init__(f"{what} ({shown}HTTP {http_status(error)})")
        self.what = what


def _refused(error: Exception) -> bool:
    """A refusal for lack of permission, from a fetch or from a list page alike."""
    return http_status(error) in REFUSED_STATUSES


@dataclass(frozen=True)
class ConversationCount:
    """How many conversations a service holds: exact, or at least `count` when more exist."""

    count: int
    exact: bool

    def __str__(self) -> str:
        noun = "conversation" if self.count == 1 and self.exact else "conversations"
        return f"{self.count if self.exact else f'at least {self.count}'} {noun}"


def _fetched(what: str, context: Any) -> dict[str, Any] | None:
    """The resource as the API sent it; None when Twilio answers 404 (it does not exist)."""
    try:
        return fetch_record(context)
    except TwilioRestException as error:
        if error.status == 404:
            return None
        if _refused(error):
            raise NotReadable(what, error) from error
        raise


def messaging_service(client: Any, sid: str) -> dict[str, Any] | None:
    """The account's Messaging Service `sid`, or None if it has none by that SID."""
    return _fetched(f"Messaging Service {sid}", client.messaging.v1.services(sid))


def studio_flow(client: Any, sid: str) -> dict[str, Any] | None:
    """The account's Studio Flow `sid`, or None if it has none by that SID."""
    return _fetched(f"Studio Flow {sid}", client.studio.v2.flows(sid))


def flow_is_published(flow: dict[str, Any]) -> bool:
    return flow.get("status") == PUBLISHED


def incoming_numbers(client: Any) -> set[str]:
    """Every phone number of the account (E.164), in as few pages as the API allows."""
    listing = client.api.v2010.account.incoming_phone_numbers
    try:
        return {
            str(record["phone_number"])
            for record in list_records(listing, NUMBERS_PAGE_SIZE)
            if record.get("phone_number")
        }
    except TwilioException as error:
        if _refused(error):
            raise NotReadable("the account's phone numbers", error) from error
        raise


def conversations_of(v1: Any, service_sid: str) -> ConversationCount:
    """How many conversations the service holds: one page of the service's list."""
    listing = v1.services(service_sid).conversations
    try:
        page = first_page(listing, CONVERSATION_COUNT_BOUND)
    except TwilioException as error:
        if _refused(error):
            raise NotReadable(f"the conversations of {service_sid}", error) from error
        raise
    return ConversationCount(len(list(page)), exact=not page.next_page_url)
