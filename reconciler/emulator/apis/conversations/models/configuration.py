"""Account configuration (/v1/Configuration): the default service and messaging service, and
the account's default conversation timers."""

from __future__ import annotations

from typing import Any

from reconciler.emulator import catalog, errors, form
from reconciler.emulator.apis.conversations.models.state import AccountState, MessagingCheck
from reconciler.emulator.errors import TwilioCode
from reconciler.emulator.form import Params
from reconciler.emulator.records import View

TIMERS: tuple[tuple[str, str, int, TwilioCode, TwilioCode], ...] = (
    (
        "DefaultInactiveTimer",
        "default_inactive_timer",
        catalog.MIN_INACTIVE_TIMER_SECONDS,
        errors.INACTIVE_TIMER_FORMAT,
        errors.INACTIVE_TIMER_MINIMUM,
    ),
    (
        "DefaultClosedTimer",
        "default_closed_timer",
        catalog.MIN_CLOSED_TIMER_SECONDS,
        errors.CLOSED_TIMER_FORMAT,
        errors.CLOSED_TIMER_MINIMUM,
    ),
)
"""The account's timers: (parameter, field, minimum seconds, code for a malformed or too long
value, code for one below the minimum)."""


class ConfigurationModel(AccountState):
    def get_configuration(self) -> View:
        return {"account_sid": self.account_sid, **self.configuration}

    def update_configuration(self, params: Params, messaging: MessagingCheck) -> View:
        """`messaging` says whether a Messaging Service SID is one of the account's: the
        default must be (50342), as a conversation's must."""
        changes: dict[str, Any] = {}
        service_sid = form.one(params, "DefaultChatServiceSid")
        if service_sid is not None:
            changes["default_chat_service_sid"] = self._referenced_service(
                service_sid, "DefaultChatServiceSid"
            )
        default_messaging = form.one(params, "DefaultMessagingServiceSid")
        if default_messaging is not None:
            changes["default_messaging_service_sid"] = (
                self._own_messaging_service(
                    default_messaging, "DefaultMessagingServiceSid", messaging
                )
                if default_messaging
                else None
            )
        for param, key, minimum, format_code, minimum_code in TIMERS:
            value = form.one(params, param)
            if value is not None:
                changes[key] = form.timer(value, param, minimum, format_code, minimum_code)
        self.configuration.update(changes)
        self._touch("configuration")
        return self.get_configuration()
