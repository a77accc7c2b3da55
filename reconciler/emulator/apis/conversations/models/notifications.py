"""Service push notifications (/v1/Services/{IS}/Configuration/Notifications): dotted
parameters (``NewMessage.WithMedia.Template``) onto nested settings."""

from __future__ import annotations

import re
from copy import deepcopy

from reconciler.emulator import catalog, errors, form
from reconciler.emulator.apis.conversations.models.state import AccountState
from reconciler.emulator.form import Params
from reconciler.emulator.records import View


class NotificationsModel(AccountState):
    def _new_notifications(self, sid: str) -> None:
        """A new service's notifications: everything off (catalog.DEFAULT_NOTIFICATIONS)."""
        self.notifications[sid] = deepcopy(catalog.DEFAULT_NOTIFICATIONS)
        self._touch("notifications", sid)

    def get_notifications(self, sid: str, path: str) -> View:
        return self._service_settings(self.notifications, sid, path)

    def update_notifications(self, sid: str, path: str, params: Params) -> View:
        self._service(sid, path)
        updated = deepcopy(self.notifications[sid])
        log_enabled = form.boolean(params, "LogEnabled")
        if log_enabled is not None:
            updated["log_enabled"] = log_enabled
        sections = (
            (
                "NewMessage",
                updated["new_message"],
                ("Enabled", "Template", "Sound", "BadgeCountEnabled"),
            ),
            ("NewMessage.WithMedia", updated["new_message"]["with_media"], ("Enabled", "Template")),
            (
                "AddedToConversation",
                updated["added_to_conversation"],
                ("Enabled", "Template", "Sound"),
            ),
            (
                "RemovedFromConversation",
                updated["removed_from_conversation"],
                ("Enabled", "Template", "Sound"),
            ),
        )
        for prefix, section, fields in sections:
            for field in fields:
                name = f"{prefix}.{field}"
                key = _snake(field)
                if field in ("Enabled", "BadgeCountEnabled"):
                    flag = form.boolean(params, name)
                    if flag is not None:
                        section[key] = flag
                else:
                    text = form.one(params, name)
                    if text is not None:
                        if field == "Template":
                            form.text(text, name, catalog.MAX_TEMPLATE, errors.TEMPLATE_TOO_LONG)
                        else:
                            form.text(text, name, catalog.MAX_SOUND, errors.SOUND_TOO_LONG)
                        section[key] = text or None
        self.notifications[sid] = updated
        self._touch("notifications", sid)
        return self.get_notifications(sid, path)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()
