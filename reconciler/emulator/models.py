"""The names this module held before the emulator took moto's shape, for code that imports
them from here. The Conversations models are in apis/conversations/models/ (one module per
resource); shared parameter parsing is form.py, SIDs and views records.py.
"""

from __future__ import annotations

from reconciler.emulator.apis.conversations.models.account import Account
from reconciler.emulator.apis.conversations.models.state import (
    STATE_PATH_LENGTHS,
    STATE_VERSION,
    StatePath,
)
from reconciler.emulator.form import Params, conflict, invalid, not_found, timer_seconds
from reconciler.emulator.records import Listing, View, new_sid, twilio_now

__all__ = [
    "STATE_PATH_LENGTHS",
    "STATE_VERSION",
    "Account",
    "Listing",
    "Params",
    "StatePath",
    "View",
    "conflict",
    "invalid",
    "new_sid",
    "not_found",
    "timer_seconds",
    "twilio_now",
]
