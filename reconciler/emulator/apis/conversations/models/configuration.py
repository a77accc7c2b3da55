"""Account configuration (/v1/Configuration): the default service and messaging service, and
the account's default conversation timers."""

from __future__ import annotations

from typing import Any

from reconciler.emulator import catalog, errors, form
from reconciler.emulator.apis.conversations.models.state import AccountState
from reconciler.emulator.form import Params, invalid
from reconciler.emulator.records import View


class ConfigurationModel(AccountState):
    def get_configuration(self) -> View:
        return {"account_sid": self.account_sid, **self.configuration}

    def update_configuration(self, params: Params) -> View:
        changes: dict[str, Any] = {}
        service_sid = form.one(params, "DefaultChatServiceSid")
        if service_sid is not None:
            form.sid(service_sid, "DefaultChatServiceSid", "IS")
            if service_sid not in self.services:
                raise invalid(
                    f"Invalid value for DefaultChatServiceSid: service {service_sid} not found",
                    errors.SERVICE_NOT_FOUND,
                )
            changes["default_chat_service_sid"] = service_sid
        messaging = form.one(params, "DefaultMessagingServiceSid")
        if messaging is not None:
            changes["default_messaging_service_sid"] = (
                form.sid(
                    messaging,
                    "DefaultMessagingServiceSid",
                    "MG",
                    errors.INVALID_MESSAGING_SERVICE,
                )
                if messaging
                else None
            )
        inactive = form.one(params, "DefaultInactiveTimer")
        if inactive is not None:
            changes["default_inactive_timer"] = form.timer(
                inactive,
                "DefaultInactiveTimer",
                catalog.MIN_INACTIVE_TIMER_SECONDS,
                errors.INACTIVE_TIMER_FORMAT,
                errors.INACTIVE_TIMER_MINIMUM,
            )
        closed = form.one(params, "DefaultClosedTimer")
        if closed is not None:
            changes["default_closed_timer"] = form.timer(
                closed,
                "DefaultClosedTimer",
                catalog.MIN_CLOSED_TIMER_SECONDS,
                errors.CLOSED_TIMER_FORMAT,
                errors.CLOSED_TIMER_MINIMUM,
            )
        self.configuration.update(changes)
        self._touch("configuration")
        return self.get_configuration()
