"""What a configuration points at in other Twilio products, and what a service deletion destroys.

Read-only, and the only place that knows these APIs' shapes: a Messaging Service (MG...) and
a Studio Flow (FW...) fetched by SID, the account's incoming phone numbers (the 2010-04-01
API: one number by the list's filter, or the whole list), and one page of a service's
conversations. Each read answers what the plan needs and no
more; a read the credentials may not make (a restricted key without that permission) is
`NotReadable`, which the plan shows as "not checked" rather than failing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from twilio.base.exceptions import TwilioException, TwilioRestException

from reconciler.kinds.base import fetch_record, first_page, list_records
from reconciler.live.retry import http_status, twilio_code

NUMBERS_PAGE_SIZE = 1000
"""IncomingPhoneNumbers pages hold up to 1,000 numbers: most accounts answer in one request."""
NUMBERS_FILTERED_UP_TO = 10
"""Up to this many SMS addresses, each is looked up by the list's PhoneNumber filter (one
request each, concurrently: the cost follows the configuration, not the account's size);
past it, the account's whole list is read in pages of NUMBERS_PAGE_SIZE (fewer requests)."""
NUMBER_LOOKUP_PAGE_SIZE = 20
"""The filter matches partial numbers too (`*` is a wildcard digit), so a full E.164 number
matches itself and, at most, nothing else: one small page answers."""
CONVERSATION_COUNT_BOUND = 100
"""A deletion's conversations are counted exactly up to this (one page, the largest Twilio
serves), then reported as "at least" it: one request per service, whatever it holds."""
T = TypeVar("T")
REFUSED_STATUSES = (401, 403)
"""A neighbour read refused for these is a permission the credentials lack, not a failure."""
PUBLISHED = "published"
"""A Studio Flow's status once it runs (the other is draft)."""


class NotReadable(Exception):
    """The credentials may not read this (HTTP 401/403): the check is not made."""

    def __init__(self, what: str, error: Exception) -> None:
        code, message = twilio_code(error)
        self.what = what
        self.refusal = f"{f'error {code}, ' if code else ''}HTTP {http_status(error)}"
        """Twilio's code and the status, as `(...)` shows them."""
        self.twilio_message = message
        """Twilio's own words, which name the permission a restricted key lacks."""
        super().__init__(f"{what} ({self.refusal})")


def unless_refused(
    what: str, read: Callable[[], T], statuses: tuple[int, ...] = REFUSED_STATUSES
) -> T:
    """`read()`, its refusal for lack of permission (HTTP 401/403 by default, from a fetch or
    from a list page alike) raised as NotReadable."""
    try:
        return read()
    except TwilioException as error:
        if http_status(error) in statuses:
            raise NotReadable(what, error) from error
        raise


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

    def fetch() -> dict[str, Any] | None:
        try:
            return fetch_record(context)
        except TwilioRestException as error:
            if error.status == 404:
                return None
            raise

    return unless_refused(what, fetch)


def messaging_service(client: Any, sid: str) -> dict[str, Any] | None:
    """The account's Messaging Service `sid`, or None if it has none by that SID."""
    return _fetched(f"Messaging Service {sid}", client.messaging.v1.services(sid))


def studio_flow(client: Any, sid: str) -> dict[str, Any] | None:
    """The account's Studio Flow `sid`, or None if it has none by that SID."""
    return _fetched(f"Studio Flow {sid}", client.studio.v2.flows(sid))


def flow_is_published(flow: dict[str, Any]) -> bool:
    return flow.get("status") == PUBLISHED


def _numbers(records: Iterable[dict[str, Any]]) -> set[str]:
    return {str(record["phone_number"]) for record in records if record.get("phone_number")}


def is_incoming_number(client: Any, number: str) -> bool:
    """Whether `number` (E.164) is one of the account's phone numbers: one filtered read."""
    listing = client.api.v2010.account.incoming_phone_numbers
    page = unless_refused(
        "the account's phone numbers",
        lambda: first_page(listing, NUMBER_LOOKUP_PAGE_SIZE, {"PhoneNumber": number}),
    )
    return number in _numbers(page)


def incoming_numbers(client: Any) -> set[str]:
    """Every phone number of the account (E.164), in as few pages as the API allows."""
    listing = client.api.v2010.account.incoming_phone_numbers
    records = unless_refused(
        "the account's phone numbers", lambda: list(list_records(listing, NUMBERS_PAGE_SIZE))
    )
    return _numbers(records)


def conversations_of(v1: Any, service_sid: str) -> ConversationCount:
    """How many conversations the service holds: one page of the service's list."""
    listing = v1.services(service_sid).conversations
    page = unless_refused(
        f"the conversations of {service_sid}",
        lambda: first_page(listing, CONVERSATION_COUNT_BOUND),
    )
    return ConversationCount(len(list(page)), exact=not page.next_page_url)
