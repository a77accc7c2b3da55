"""The phone numbers of one account: Twilio's fields (`api.v2010.account.incoming_phone_number`)
and refusals. No HTTP.

A number is bought by `PhoneNumber` (E.164) or by `AreaCode` (the emulator picks a free
`+1<area code>555....` number); one of them is required. A number belongs to one account at a
time: buying one that some account of the emulator owns is refused. What Twilio does not
document, or answers with codes that are not in the reference list (21421 "PhoneNumber is
invalid", 21422 "PhoneNumber is not available"), is recorded in docs/emulator.md
("IncomingPhoneNumbers").
"""

from __future__ import annotations

import re
from typing import Any

from reconciler.emulator import errors, form
from reconciler.emulator.form import Params, conflict, invalid
from reconciler.emulator.records import Collection, View, new_sid, rfc2822_now

E164 = re.compile(r"^\+[1-9]\d{1,14}$")
AREA_CODE = re.compile(r"^[2-9]\d{2}$")
FILTER = re.compile(r"^[+\d*]+$")
MAX_FRIENDLY_NAME = 64
METHODS = ("GET", "POST")
VOICE_RECEIVE_MODES = ("voice", "fax")
EMERGENCY_STATUSES = ("Active", "Inactive")
ORIGINS = ("twilio", "hosted")
URLS = (
    ("SmsUrl", "sms_url"),
    ("SmsFallbackUrl", "sms_fallback_url"),
    ("VoiceUrl", "voice_url"),
    ("VoiceFallbackUrl", "voice_fallback_url"),
    ("StatusCallback", "status_callback"),
)
HTTP_METHODS = (
    ("SmsMethod", "sms_method"),
    ("SmsFallbackMethod", "sms_fallback_method"),
    ("VoiceMethod", "voice_method"),
    ("VoiceFallbackMethod", "voice_fallback_method"),
    ("StatusCallbackMethod", "status_callback_method"),
)
REFERENCES = (
    ("SmsApplicationSid", "sms_application_sid", "AP"),
    ("VoiceApplicationSid", "voice_application_sid", "AP"),
    ("TrunkSid", "trunk_sid", "TK"),
    ("IdentitySid", "identity_sid", "RI"),
    ("AddressSid", "address_sid", "AD"),
    ("EmergencyAddressSid", "emergency_address_sid", "AD"),
    ("BundleSid", "bundle_sid", "BU"),
)
"""SIDs of other resources a number names: checked for their shape only (the emulator does not
hold applications, trunks, addresses or bundles)."""


class IncomingPhoneNumbers(Collection):
    """One account's phone numbers (`PN...`)."""

    def numbers(self) -> set[str]:
        return {record["phone_number"] for record in self.records.values()}

    def create(self, account_sid: str, params: Params, taken: set[str]) -> View:
        """Buy a number no account of the emulator owns (`taken`)."""
        number = form.one(params, "PhoneNumber")
        area_code = form.one(params, "AreaCode")
        if number:
            if not E164.match(number):
                raise invalid(f"Invalid value for PhoneNumber: {number!r} is not E.164")
            if number in taken:
                raise conflict(f"PhoneNumber {number} is not available: an account owns it")
        elif area_code:
            if not AREA_CODE.match(area_code):
                raise invalid(f"Invalid value for AreaCode: {area_code!r} is not a US area code")
            number = _free_number(area_code, taken)
        else:
            raise invalid("Missing required parameter PhoneNumber or AreaCode in the post body")
        now = rfc2822_now()
        sid = new_sid("PN")
        record: dict[str, Any] = {
            "account_sid": account_sid,
            "address_requirements": "none",
            "api_version": "2010-04-01",
            "beta": False,
            "capabilities": {"voice": True, "sms": True, "mms": True, "fax": False},
            "date_created": now,
            "date_updated": now,
            "friendly_name": _display(number),
            "phone_number": number,
            "origin": "twilio",
            "sid": sid,
            "sms_fallback_method": "POST",
            "sms_fallback_url": "",
            "sms_method": "POST",
            "sms_url": "",
            "status_callback": "",
            "status_callback_method": "POST",
            "voice_receive_mode": "voice",
            "voice_caller_id_lookup": False,
            "voice_fallback_method": "POST",
            "voice_fallback_url": None,
            "voice_method": "POST",
            "voice_url": None,
            "emergency_status": "Inactive",
            "emergency_address_status": "unregistered",
            "status": "in-use",
            "type": "local",
            **{field: None for _, field, _ in REFERENCES},
        }
        _apply(record, params)
        return self.view(self.add(record))

    def update(self, sid: str, path: str, params: Params) -> View:
        record = self.get_record(sid, path)
        _apply(record, params)
        record["date_updated"] = rfc2822_now()
        self.touch(sid)
        return self.view(record)

    def matching(
        self, phone_number: str | None, friendly_name: str | None, origin: str | None
    ) -> list[tuple[int, View]]:
        """The list's filters: `PhoneNumber` matches numbers containing it, `*` standing for
        any one digit; `FriendlyName` and `Origin` match exactly."""
        pattern = None
        if phone_number is not None:
            if not FILTER.match(phone_number):
                raise invalid(f"Invalid value for PhoneNumber: {phone_number!r}")
            pattern = re.compile(re.escape(phone_number).replace(r"\*", r"\d"))
        if origin is not None:
            form.enum(origin, "Origin", ORIGINS)
        return [
            (record["seq"], self.view(record))
            for record in self.records.values()
            if (pattern is None or pattern.search(record["phone_number"]))
            and (friendly_name is None or record["friendly_name"] == friendly_name)
            and (origin is None or record["origin"] == origin)
        ]


def _apply(record: dict[str, Any], params: Params) -> None:
    """The settable fields given in `params`, all checked before any is changed."""
    changes: dict[str, Any] = {}
    name = form.friendly_name(
        params, "FriendlyName", MAX_FRIENDLY_NAME, code=errors.INVALID_PARAMETER
    )
    if name:
        changes["friendly_name"] = name
    for param, field in URLS:
        value = form.one(params, param)
        if value is not None:
            url = form.url(value, param, errors.INVALID_PARAMETER, errors.INVALID_PARAMETER)
            changes[field] = url or ""
    for param, field in HTTP_METHODS:
        value = form.one(params, param)
        if value is not None:
            changes[field] = form.enum(value, param, METHODS, fold=True)
    for param, field, prefix in REFERENCES:
        value = form.one(params, param)
        if value is not None:
            changes[field] = form.sid(value, param, prefix) if value else None
    lookup = form.boolean(params, "VoiceCallerIdLookup")
    if lookup is not None:
        changes["voice_caller_id_lookup"] = lookup
    mode = form.one(params, "VoiceReceiveMode")
    if mode is not None:
        changes["voice_receive_mode"] = form.enum(mode, "VoiceReceiveMode", VOICE_RECEIVE_MODES)
    emergency = form.one(params, "EmergencyStatus")
    if emergency is not None:
        changes["emergency_status"] = form.enum(emergency, "EmergencyStatus", EMERGENCY_STATUSES)
    record.update(changes)


def _free_number(area_code: str, taken: set[str]) -> str:
    """The first `+1<area code>555xxxx` number nobody owns (555 numbers are fictional)."""
    for line in range(10000):
        number = f"+1{area_code}555{line:04d}"
        if number not in taken:
            return number
    raise conflict(f"No phone numbers left in area code {area_code}")


def _display(number: str) -> str:
    """Twilio's default friendly name: `(808) 925-5327` for a North American number."""
    if number.startswith("+1") and len(number) == 12:
        return f"({number[2:5]}) {number[5:8]}-{number[8:]}"
    return number
