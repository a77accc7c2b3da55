"""Reading Twilio's form and query parameters, and refusing them with Twilio's codes.

Every API of the emulator reads its parameters here, so that a boolean, an enum, a SID or a
URL is accepted and refused the same way (same code, same message) wherever it appears:
Twilio's API layer does the same for every product.

Parameters arrive as ``Params``: name -> list of values, because arrays are repeated keys
(``Permission=a&Permission=b``) and nested objects are dotted names
(``AutoCreation.WebhookUrl``), which are plain names here. A single-valued parameter given
twice takes its last value. Refusals are ``ApiError``s: 400 / 20001 where Twilio's list has no
better code (the code Twilio answers for a missing or malformed parameter), else the code the
caller names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from reconciler.emulator import catalog, errors
from reconciler.emulator.errors import ApiError, TwilioCode

Params = Mapping[str, list[str]]

_TIMER = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")


def invalid(message: str, code: TwilioCode = errors.INVALID_PARAMETER) -> ApiError:
    return ApiError(code, message)


def not_found(path: str) -> ApiError:
    return ApiError(errors.NOT_FOUND, f"The requested resource {path} was not found")


def conflict(message: str) -> ApiError:
    """The account's current state forbids the request (a duplicate, a dependency)."""
    return ApiError(errors.CONFLICT, message)


def sid_pattern(prefix: str) -> re.Pattern[str]:
    return re.compile(rf"^{prefix}[0-9a-fA-F]{{32}}$")


def one(params: Params, name: str) -> str | None:
    """The last value given for `name`, or None."""
    values = params.get(name)
    if not values:
        return None
    return values[-1]


def required(params: Params, name: str) -> str:
    """Twilio answers 20001 for a missing parameter, even where a 50xxx "not provided" code
    exists (its API layer checks required parameters before the product sees them)."""
    value = one(params, name)
    if value is None or value == "":
        raise invalid(f"Missing required parameter {name} in the post body")
    return value


def boolean(params: Params, name: str) -> bool | None:
    value = one(params, name)
    if value is None:
        return None
    lowered = value.lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    raise invalid(f"Invalid value for {name}: {value!r} is not a boolean (true or false)")


def integer(
    params: Params,
    name: str,
    minimum: int = 0,
    code: TwilioCode = errors.INVALID_PARAMETER,
) -> int | None:
    """An integer field; Twilio's integers are 32-bit, so larger values are refused."""
    value = one(params, name)
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


def query_int(query: Params, name: str, default: int, minimum: int) -> int:
    """An integer query parameter (paging), refused as Twilio does when malformed; no upper
    bound (page sizes are capped, not refused)."""
    values = query.get(name)
    if not values:
        return default
    try:
        number = int(values[-1])
    except ValueError:
        raise invalid(f"Invalid value for {name}: {values[-1]!r} is not an integer") from None
    if number < minimum:
        raise invalid(f"Invalid value for {name}: must be at least {minimum}")
    return number


def enum(
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


def sid(value: str, name: str, prefix: str, code: TwilioCode = errors.INVALID_PARAMETER) -> str:
    if not sid_pattern(prefix).match(value):
        raise invalid(f"Invalid value for {name}: {value!r} is not a valid {prefix} SID", code)
    return value


def text(value: str, name: str, limit: int, code: TwilioCode) -> str:
    if len(value) > limit:
        raise invalid(f"Invalid value for {name}: longer than {limit} characters", code)
    return value


def friendly_name(
    params: Params,
    name: str,
    limit: int,
    is_required: bool = False,
    code: TwilioCode = errors.FRIENDLY_NAME_TOO_LONG,
) -> str | None:
    """A name of bounded length: too long is Chat's 50003, whichever Conversations resource
    it names (other APIs pass their own code)."""
    value = required(params, name) if is_required else one(params, name)
    if value is not None:
        text(value, name, limit, code)
    return value


def url(
    value: str,
    name: str,
    code: TwilioCode = errors.INVALID_WEBHOOK_URL,
    too_long: TwilioCode = errors.INVALID_WEBHOOK_URL,
) -> str | None:
    """An absolute http(s) URL of bounded length; the empty string clears the setting."""
    if value == "":
        return None
    text(value, name, catalog.MAX_WEBHOOK_URL, too_long)
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in value:
        raise invalid(f"Invalid value for {name}: {value!r} is not an absolute http(s) URL", code)
    return value


def filters(
    params: Params,
    name: str,
    allowed: frozenset[str],
    code: TwilioCode = errors.INVALID_PARAMETER,
) -> list[str] | None:
    """A repeated-key list of webhook events, duplicates dropped; None when not given."""
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


def timer(
    value: str, name: str, minimum: int, format_code: TwilioCode, minimum_code: TwilioCode
) -> str | None:
    """An ISO 8601 duration within Twilio's bounds; the empty string clears it."""
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
