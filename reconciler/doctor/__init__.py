"""`reconciler doctor`: what this version finds in front of it, before it changes anything.

Read-only. From one read of the whole configuration surface (export's `read_account`, so doctor
sees exactly what export and plan see; lenient, so a restricted key's refused reads are listed
as not checked) and of what its values point at in other products (as plan reads them), and
the answers' headers, it reports which credentials
are in use and which account they reach, where the calls go and whether the answers are
Twilio's, the clock skew to Twilio's Date, the concurrency headers Twilio sends, and everything
in the account this version does not know, each with where it is (`checks.find_unknown`).
`diagnose(api)` returns a `DoctorReport`; `render_text` and `render_json` print it.
"""

from __future__ import annotations

from reconciler import kinds
from reconciler.doctor.checks import every_resource, find_unknown, not_checked, resources_of
from reconciler.doctor.model import (
    PROBLEMS,
    Concurrency,
    Credentials,
    DoctorReport,
    Endpoint,
    NotChecked,
    Unknown,
)
from reconciler.doctor.observe import Answer, ObservingApi, clock_skew
from reconciler.doctor.render import doctor_document, render_json, render_text
from reconciler.export import read_account
from reconciler.export.read import NotRead
from reconciler.live.api import LiveApi
from reconciler.live.connection import API_KEY_PATTERN
from reconciler.live.neighbours import Targets, read_neighbours

CONCURRENCY_HEADERS: tuple[str, ...] = (
    "Twilio-Concurrent-Requests",
    "X-Rate-Limit-Limit",
    "X-Rate-Limit-Remaining",
    "X-Rate-Limit-Config",
)
"""What Twilio's answers may say about concurrency and rate limits: the account's requests in
flight (Twilio-Concurrent-Requests, named in its error 20429 advice), and the rate-limit headers
some of its APIs send."""
REQUEST_ID_HEADER = "Twilio-Request-Id"
SERVER_HEADER = "Server"


def credentials_of(api: LiveApi, local: bool = False) -> Credentials:
    """The credentials the client sends, without their secret half."""
    client = api.client
    username = str(client.username or "")
    api_key = username if API_KEY_PATTERN.match(username) else None
    return Credentials(
        type="api_key" if api_key else "auth_token",
        account_sid=str(client.account_sid or ""),
        api_key_sid=api_key,
        source="local" if local else "environment",
    )


def diagnose(api: LiveApi, local: bool = False) -> DoctorReport:
    """Read the account once and check everything doctor reports. Errors (credentials refused,
    an endpoint that is not Twilio's) propagate, as from any read."""
    observing = ObservingApi(api)
    not_read: list[NotRead] = []
    snapshot = read_account(observing, not_read)
    targets = Targets.among(resources_of(snapshot))
    neighbours = read_neighbours(observing, targets)
    answers = list(observing.answers)
    configuration = snapshot.of(kinds.ACCOUNT_CONFIGURATION)
    answered_for = configuration[0].extra.get("account_sid") if configuration else None
    resources: dict[str, int] = {kind.name: 0 for kind in kinds.ALL_KINDS}
    for resource in every_resource(snapshot):
        resources[resource.kind] += 1
    client = api.client
    return DoctorReport(
        credentials=credentials_of(api, local),
        account_sid=str(answered_for) if answered_for else None,
        endpoint=Endpoint(
            url=str(client.conversations.base_url),
            local=local,
            region=client.region,
            edge=client.edge,
            answers_like_twilio=True,
            server=_last(answers, SERVER_HEADER),
            request_id_header=_last(answers, REQUEST_ID_HEADER) is not None,
        ),
        clock_skew_seconds=clock_skew(answers),
        answers=len(answers),
        answers_with_date=sum(1 for answer in answers if answer.served_at() is not None),
        concurrency=Concurrency(CONCURRENCY_HEADERS, _highest(answers, CONCURRENCY_HEADERS)),
        resources=resources,
        unknown=find_unknown(snapshot, observing.records, not_read, (targets, neighbours)),
        not_checked=not_checked(snapshot, not_read, targets, neighbours),
    )


def _last(answers: list[Answer], name: str) -> str | None:
    values = [value for answer in answers if (value := answer.header(name)) is not None]
    return values[-1].strip() if values else None


def _highest(answers: list[Answer], names: tuple[str, ...]) -> dict[str, str]:
    """Each header that was sent -> its highest value (numbers), or the last one seen."""
    sent: dict[str, str] = {}
    for name in names:
        values = [value for answer in answers if (value := answer.header(name)) is not None]
        if not values:
            continue
        numbers = [value for value in values if value.strip().isdigit()]
        sent[name] = max(numbers, key=int) if numbers else values[-1]
    return sent


__all__ = [
    "CONCURRENCY_HEADERS",
    "PROBLEMS",
    "Concurrency",
    "Credentials",
    "DoctorReport",
    "Endpoint",
    "NotChecked",
    "Unknown",
    "credentials_of",
    "diagnose",
    "doctor_document",
    "render_json",
    "render_text",
]
