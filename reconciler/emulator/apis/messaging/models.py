"""Messaging Services of one account: Twilio's fields and defaults, its refusals. No HTTP.

Fields, parameters and enums are the OpenAPI description's (`messaging.v1.service`,
CreateServiceRequest). What it does not say (defaults of the booleans, the name's limit), the
emulator assumes as docs/emulator.md records ("Messaging Services").
"""

from __future__ import annotations

from typing import Any

from reconciler.emulator import errors, form
from reconciler.emulator.form import Params
from reconciler.emulator.records import View, WritableCollection, new_sid, twilio_now

MAX_FRIENDLY_NAME = 64
"""Documented: "It can be up to 64 characters long"."""
METHODS = ("GET", "POST")
SCAN_MESSAGE_CONTENT = ("inherit", "enable", "disable")
USECASES = ("notifications", "marketing", "verification", "discussion", "poll", "undeclared")
MIN_VALIDITY_PERIOD = 1
MAX_VALIDITY_PERIOD = 36000
"""Documented: "an integer from `1` to `36,000`. Default value is `36,000`"."""

URLS = (
    ("InboundRequestUrl", "inbound_request_url"),
    ("FallbackUrl", "fallback_url"),
    ("StatusCallback", "status_callback"),
)
HTTP_METHODS = (("InboundMethod", "inbound_method"), ("FallbackMethod", "fallback_method"))
BOOLEANS: tuple[tuple[str, str, bool], ...] = (
    ("StickySender", "sticky_sender", True),
    ("MmsConverter", "mms_converter", True),
    ("SmartEncoding", "smart_encoding", True),
    ("FallbackToLongCode", "fallback_to_long_code", True),
    ("AreaCodeGeomatch", "area_code_geomatch", True),
    ("SynchronousValidation", "synchronous_validation", False),
    ("UseInboundWebhookOnNumber", "use_inbound_webhook_on_number", False),
)
"""(parameter, field, default of a new service); the defaults are assumed (Console's)."""
FIELDS = (
    "account_sid",
    "sid",
    "friendly_name",
    "date_created",
    "date_updated",
    "inbound_request_url",
    "inbound_method",
    "fallback_url",
    "fallback_method",
    "status_callback",
    "sticky_sender",
    "mms_converter",
    "smart_encoding",
    "scan_message_content",
    "fallback_to_long_code",
    "area_code_geomatch",
    "synchronous_validation",
    "validity_period",
    "usecase",
    "us_app_to_person_registered",
    "use_inbound_webhook_on_number",
)


class MessagingServices(WritableCollection):
    """One account's Messaging Services (`MG...`)."""

    def create(self, account_sid: str, params: Params) -> View:
        name = form.friendly_name(
            params, "FriendlyName", MAX_FRIENDLY_NAME, True, errors.INVALID_PARAMETER
        )
        now = twilio_now()
        record: dict[str, Any] = {
            "account_sid": account_sid,
            "sid": new_sid("MG"),
            "friendly_name": name,
            "date_created": now,
            "date_updated": now,
            "inbound_request_url": None,
            "inbound_method": "POST",
            "fallback_url": None,
            "fallback_method": "POST",
            "status_callback": None,
            **{field: default for _, field, default in BOOLEANS},
            "scan_message_content": "inherit",
            "validity_period": MAX_VALIDITY_PERIOD,
            "usecase": "undeclared",
            "us_app_to_person_registered": False,
        }
        _apply(record, params)
        return self.view(self.add(record))

    def update(self, sid: str, path: str, params: Params) -> View:
        record = self.get_record(sid, path)
        name = form.friendly_name(
            params, "FriendlyName", MAX_FRIENDLY_NAME, code=errors.INVALID_PARAMETER
        )
        _apply(record, params)
        if name is not None:
            record["friendly_name"] = name
        record["date_updated"] = twilio_now()
        self.touch(sid)
        return self.view(record)

    def view(self, record: dict[str, Any]) -> View:
        return {field: record[field] for field in FIELDS}


def _apply(record: dict[str, Any], params: Params) -> None:
    """The settable fields given in `params`, checked before any is changed."""
    changes: dict[str, Any] = {}
    for param, field in URLS:
        value = form.one(params, param)
        if value is not None:
            changes[field] = form.url(
                value, param, errors.INVALID_PARAMETER, errors.INVALID_PARAMETER
            )
    for param, field in HTTP_METHODS:
        value = form.one(params, param)
        if value is not None:
            changes[field] = form.enum(value, param, METHODS, fold=True)
    for param, field, _ in BOOLEANS:
        flag = form.boolean(params, param)
        if flag is not None:
            changes[field] = flag
    scan = form.one(params, "ScanMessageContent")
    if scan is not None:
        changes["scan_message_content"] = form.enum(
            scan, "ScanMessageContent", SCAN_MESSAGE_CONTENT
        )
    usecase = form.one(params, "Usecase")
    if usecase is not None:
        changes["usecase"] = form.enum(usecase, "Usecase", USECASES)
    validity = form.integer(params, "ValidityPeriod", MIN_VALIDITY_PERIOD)
    if validity is not None:
        if validity > MAX_VALIDITY_PERIOD:
            raise form.invalid(
                f"Invalid value for ValidityPeriod: must be at most {MAX_VALIDITY_PERIOD}"
            )
        changes["validity_period"] = validity
    record.update(changes)
