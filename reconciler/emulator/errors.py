"""Twilio's own error codes, as the emulator answers them.

Every code the emulator sends is declared here once, with the HTTP status it goes with and
Twilio's published message for it (twilio-error-codes.json), so that a test can check each one
against Twilio's list and docs/emulator.md can say, in one table, which case answers which
code and why. A client that branches on `code` then behaves the same against the emulator as
against Twilio.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

MORE_INFO: Final = "https://www.twilio.com/docs/errors/{code}"


@dataclass(frozen=True)
class TwilioCode:
    """One Twilio error code: the number, the status it is sent with, Twilio's own title."""

    code: int
    status: int
    title: str

    @property
    def more_info(self) -> str:
        return MORE_INFO.format(code=self.code)


# Platform codes (REST API, 20xxx).
INVALID_PARAMETER: Final = TwilioCode(20001, 400, "Unknown parameters")
AUTHENTICATION_FAILED: Final = TwilioCode(20003, 401, "Permission Denied")
METHOD_NOT_ALLOWED: Final = TwilioCode(20004, 405, "Method not allowed")
FORBIDDEN: Final = TwilioCode(20403, 403, "403 Forbidden")
NOT_FOUND: Final = TwilioCode(20404, 404, "Not Found")
CONFLICT: Final = TwilioCode(20409, 409, "Conflict")
REQUEST_TOO_LARGE: Final = TwilioCode(20413, 413, "Request Entity Too Large")
TOO_MANY_REQUESTS: Final = TwilioCode(20429, 429, "Too Many Requests")
INTERNAL_ERROR: Final = TwilioCode(20500, 500, "Internal Server Error")
UNAVAILABLE: Final = TwilioCode(20503, 503, "Service unavailable")

# Conversations / Programmable Chat codes (50xxx): Conversations runs on Chat's backend and
# answers with these.
FRIENDLY_NAME_TOO_LONG: Final = TwilioCode(50003, 400, "Programmable Chat: Friendly name too long")
SERVICE_NOT_FOUND: Final = TwilioCode(50050, 400, "Programmable Chat: Service Instance not found")
INVALID_WEBHOOK_URL: Final = TwilioCode(50054, 400, "Programmable Chat: Invalid webhook format")
INVALID_WEBHOOK_METHOD: Final = TwilioCode(50055, 400, "Programmable Chat: Invalid webhook method")
TEMPLATE_TOO_LONG: Final = TwilioCode(
    50058, 400, "Programmable Chat: Notification template too long"
)
SOUND_TOO_LONG: Final = TwilioCode(
    50059, 400, "Programmable Chat: Notification sound name too long"
)
ACTIONS_PER_SECOND: Final = TwilioCode(
    50063, 429, "Programmable Chat: Actions per second limit exceeded"
)
INVALID_RETRY_COUNT: Final = TwilioCode(
    50065, 400, "Programmable Chat: Invalid webhook retry count"
)
ROLE_NOT_FOUND: Final = TwilioCode(50100, 400, "Programmable Chat: Role not found")
PERMISSION_NOT_FOUND: Final = TwilioCode(50104, 400, "Programmable Chat: Permission not found")
INVALID_ROLE_TYPE: Final = TwilioCode(50105, 400, "Programmable Chat: Invalid role type")
CREATOR_ROLE_NOT_FOUND: Final = TwilioCode(
    50106, 400, "Programmable Chat: Channel creator role not found"
)
CONVERSATION_ROLE_NOT_FOUND: Final = TwilioCode(50109, 400, "Conversation role not found")
ATTRIBUTES_TOO_LONG: Final = TwilioCode(50303, 400, "Programmable Chat: Attributes too long")
ATTRIBUTES_NOT_JSON: Final = TwilioCode(50304, 400, "Programmable Chat: Attributes not valid JSON")
INVALID_MESSAGING_SERVICE: Final = TwilioCode(50341, 400, "Invalid messaging service SID")
FOREIGN_MESSAGING_SERVICE: Final = TwilioCode(
    50342, 400, "Messaging service does not belong to account"
)
DUPLICATE_UNIQUE_NAME: Final = TwilioCode(
    50353, 409, "Conversation with provided unique name already exists"
)
INVALID_WEBHOOK_FILTER: Final = TwilioCode(50365, 400, "Invalid conversation webhook filter")
INVALID_FLOW_SID: Final = TwilioCode(50367, 400, "Invalid conversation webhook flow SID")
WEBHOOK_URL_MISSING: Final = TwilioCode(50369, 400, "Conversation webhook URL not provided")
WEBHOOK_URL_TOO_LONG: Final = TwilioCode(50372, 400, "Conversation webhook URL is too long")
INACTIVE_TIMER_MINIMUM: Final = TwilioCode(
    50375, 400, "TimeToInactive should be greater or equal to 1 minute"
)
CLOSED_TIMER_MINIMUM: Final = TwilioCode(
    50376, 400, "TimeToClosed should be greater or equal to 10 minutes"
)
INACTIVE_TIMER_FORMAT: Final = TwilioCode(50379, 400, "TimeToInactive format is invalid")
CLOSED_TIMER_FORMAT: Final = TwilioCode(50380, 400, "TimeToClosed format is invalid")
UNIQUE_NAME_IS_SID: Final = TwilioCode(
    50390, 400, "Unique name should not match conversation sid pattern"
)

ALL_CODES: Final[tuple[TwilioCode, ...]] = tuple(
    value for value in list(globals().values()) if isinstance(value, TwilioCode)
)


class ApiError(Exception):
    """A refusal the HTTP layer turns into Twilio's error body."""

    def __init__(self, code: TwilioCode, message: str) -> None:
        super().__init__(message)
        self.twilio_code = code
        self.message = message

    @property
    def status(self) -> int:
        return self.twilio_code.status

    @property
    def code(self) -> int:
        return self.twilio_code.code


def error_body(code: TwilioCode, message: str) -> dict[str, object]:
    """Twilio's error JSON: exactly these four keys."""
    return {
        "code": code.code,
        "message": message,
        "more_info": code.more_info,
        "status": code.status,
    }
