"""Studio Flows of one account: Twilio's fields, revisions and refusals. No HTTP.

Fields and parameters are the OpenAPI description's (`studio.v2.flow`, CreateFlowRequest:
`FriendlyName`, `Status` draft|published and `Definition` required, `CommitMessage`). The
emulator does not run Studio's flow validator: any JSON object is a definition it accepts, as
docs/emulator.md records ("Studio Flows").
"""

from __future__ import annotations

import json
from typing import Any

from reconciler.emulator import form
from reconciler.emulator.form import Params, invalid
from reconciler.emulator.records import View, WritableCollection, new_sid, twilio_now

STATUSES = ("draft", "published")
WEBHOOK_URL = "https://webhooks.twilio.com/v1/Accounts/{account}/Flows/{flow}"
"""Where Twilio receives a flow's REST API triggers: Twilio's host, not the emulator's."""
SUMMARY_NULLS = ("definition", "valid", "errors", "warnings")
"""What a list leaves out (null), as the description's list example shows."""


class Flows(WritableCollection):
    """One account's Studio Flows (`FW...`)."""

    def create(self, account_sid: str, params: Params) -> View:
        name = form.required(params, "FriendlyName")
        status = form.enum(form.required(params, "Status"), "Status", STATUSES)
        definition = _definition(form.required(params, "Definition"))
        now = twilio_now()
        sid = new_sid("FW")
        record: dict[str, Any] = {
            "sid": sid,
            "account_sid": account_sid,
            "author_sid": None,
            "friendly_name": name,
            "definition": definition,
            "status": status,
            "revision": 1,
            "commit_message": form.one(params, "CommitMessage"),
            "valid": True,
            "errors": [],
            "warnings": [],
            "date_created": now,
            "date_updated": None,
            "webhook_url": WEBHOOK_URL.format(account=account_sid, flow=sid),
        }
        return self.view(self.add(record))

    def update(self, sid: str, path: str, params: Params) -> View:
        """A new revision: Status is required, the rest keeps its value when not given."""
        record = self.get_record(sid, path)
        status = form.enum(form.required(params, "Status"), "Status", STATUSES)
        definition = form.one(params, "Definition")
        parsed = _definition(definition) if definition is not None else record["definition"]
        name = form.one(params, "FriendlyName")
        record.update(
            status=status,
            definition=parsed,
            friendly_name=name if name else record["friendly_name"],
            commit_message=form.one(params, "CommitMessage"),
            revision=record["revision"] + 1,
            date_updated=twilio_now(),
        )
        self.touch(sid)
        return self.view(record)

    def summary(self, record: dict[str, Any]) -> View:
        """A list item: the definition and its validation results are not sent."""
        return {**self.view(record), **dict.fromkeys(SUMMARY_NULLS)}


def _definition(value: str) -> dict[str, Any]:
    """The flow definition: a JSON object (Studio's own validation is not emulated)."""
    try:
        parsed = json.loads(value)
    except ValueError:
        raise invalid("Invalid value for Definition: not JSON") from None
    if not isinstance(parsed, dict):
        raise invalid("Invalid value for Definition: not a JSON object")
    return parsed
