"""Retrying what is safe to retry: 429 and 5xx answers and lost connections.

Backoff is exponential with full jitter and honours Retry-After, within a bounded budget. A
write whose outcome is unknown (the connection dropped after the request was sent, or a 5xx
that may have come after the commit) is only retried after the caller has checked, by reading,
whether it already happened.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

import requests
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.response import Response

from reconciler import clock

T = TypeVar("T")

NOT_FOUND = 404
UNAUTHORIZED = 401
FORBIDDEN = 403
"""A restricted API key without the permission a request needs (Twilio's 20403)."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 8
    base_delay: float = 0.2
    max_delay: float = 5.0
    budget_seconds: float = 60.0


DEFAULT_POLICY = RetryPolicy()


def response_of(error: BaseException) -> Response | None:
    """The response a failed list page carries: list paging raises a bare
    TwilioException("Unable to fetch page", response), not a TwilioRestException."""
    if isinstance(error, TwilioException) and len(error.args) > 1:
        response = error.args[1]
        if isinstance(response, Response):
            return response
    return None


def http_status(error: BaseException) -> int | None:
    """The HTTP status behind an SDK error (a single-resource call's or a list page's)."""
    if isinstance(error, TwilioRestException):
        return int(error.status)
    response = response_of(error)
    return int(response.status_code) if response is not None else None


def is_transient(error: BaseException) -> bool:
    """Worth trying again: the service was busy or failed, or the connection broke."""
    status = http_status(error)
    if status is not None:
        return status == 429 or status >= 500
    return isinstance(
        error,
        (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError),
    )


def is_not_found(error: BaseException) -> bool:
    return http_status(error) == NOT_FOUND


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    for name, value in headers.items():
        if name.lower() == "retry-after":
            try:
                return max(0.0, float(value))
            except ValueError:
                return None
    return None


@dataclass
class Attempts:
    """What a call took: how many tries, for progress lines and tests."""

    count: int = 0


def call_with_retry(
    operation: Callable[[], T],
    *,
    headers: Callable[[], Mapping[str, str]] = dict,
    policy: RetryPolicy = DEFAULT_POLICY,
    check_before_retry: Callable[[], T | None] | None = None,
    attempts: Attempts | None = None,
    sleep: Callable[[float], None] | None = None,
    jitter: random.Random | None = None,
) -> T:
    """Run `operation`, retrying transient failures.

    `check_before_retry` is for non-idempotent writes: after a transient failure it reads the
    live state and returns the result if the write turns out to have happened, so it is not
    made twice.

    The waits and the budget go by the process's clock (`reconciler.clock`); `sleep` replaces
    its sleep.
    """
    waits = clock.current()
    rng = jitter  # made on the first retry: seeding one costs more than a call's own logic
    tracker = attempts or Attempts()
    started = waits.monotonic()
    while True:
        tracker.count += 1
        try:
            return operation()
        except Exception as error:
            if not is_transient(error) or tracker.count >= policy.attempts:
                raise
            delay = retry_after_seconds(headers()) if http_status(error) is not None else None
            if delay is None:
                ceiling = min(policy.max_delay, policy.base_delay * 2 ** (tracker.count - 1))
                rng = rng or random.Random()
                delay = rng.uniform(0, ceiling)
            if waits.monotonic() - started + delay > policy.budget_seconds:
                raise
            (sleep or waits.sleep)(delay)
            if check_before_retry is not None:
                already = _checked(check_before_retry, headers, policy)
                if already is not None:
                    return already


def _checked(
    check: Callable[[], T | None],
    headers: Callable[[], Mapping[str, str]],
    policy: RetryPolicy,
) -> T | None:
    """The read that decides whether a write happened is itself retried (it is safe to)."""
    return call_with_retry(check, headers=headers, policy=policy)


def twilio_code(error: BaseException) -> tuple[int | None, str | None]:
    """Twilio's error code and message for a failed call: from the exception, or from the JSON
    body of a failed list page (the SDK's paging error carries only the response)."""
    if isinstance(error, TwilioRestException):
        return (int(error.code) if error.code else None), error.msg
    response = response_of(error)
    if response is None:
        return None, None
    try:
        body = json.loads(response.text or "")
    except ValueError:
        return None, None
    if not isinstance(body, dict):
        return None, None
    code, message = body.get("code"), body.get("message")
    return (
        code if isinstance(code, int) else None,
        message if isinstance(message, str) else None,
    )


def refused_credentials(error: BaseException, advice: str) -> str:
    """The line for a 401: Twilio's code (20003) to look up, then what to check."""
    code, _ = twilio_code(error)
    status = f"error {code}, HTTP 401" if code else "HTTP 401"
    return f"Twilio refused the credentials ({status}): {advice}"


def _permission_needed(error: TwilioRestException, message: str | None) -> str:
    """For a 403: the permission the refused request needs, when Twilio's message does not say
    (names from reconciler/permissions/table.py, partly assumed: docs/emulator.md)."""
    if error.status != FORBIDDEN:
        return ""
    from reconciler.permissions.table import permission_for_request

    needed = permission_for_request(str(error.method), str(error.uri))
    if needed is None or needed in (message or ""):
        return ""
    return f" (the API key needs the permission {needed})"


def describe_error(error: BaseException) -> str:
    """One line for a failed call: Twilio's own code and message where there is one."""
    status = http_status(error)
    if status == UNAUTHORIZED:
        return refused_credentials(
            error,
            "check that TWILIO_ACCOUNT_SID belongs with TWILIO_API_KEY/TWILIO_API_SECRET or "
            "TWILIO_AUTH_TOKEN",
        )
    if status is not None:
        code, message = twilio_code(error)
        head = f"Twilio error {code} (HTTP {status})" if code else f"Twilio answered HTTP {status}"
        if isinstance(error, TwilioRestException):
            return f"{head}: {message}{_permission_needed(error, message)}"
        return f"{head} while listing resources" + (f": {message}" if message else "")
    if isinstance(error, requests.RequestException):
        return f"could not reach the API: {type(error).__name__}: {error}"
    return f"{type(error).__name__}: {error}"
