"""Doctor against emulators: clean, seeded with what this version does not know, and behind a
relay that answers as a newer Twilio would (more fields, concurrency headers, another clock).

Everything goes through the real stack: the CLI (or `diagnose`), the twilio SDK over loopback
sockets, the emulator. The seeded account is built as the open-world tests build theirs
(tests/engine/test_open_world.py, whose `seeded` fixture this is): through the API, then the
emulator's state file edited.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from email.message import Message
from email.utils import formatdate, parsedate_to_datetime
from typing import Any

import pytest

from reconciler.emulator.server import EmulatorServer
from tests.engine.conftest import engine as engine
from tests.engine.conftest import run as run
from tests.engine.test_open_world import seeded as seeded
from tests.relay import Relay, relaying

SKEW_SECONDS = 3600
NEWER_HEADERS = {"Twilio-Concurrent-Requests": "3", "Twilio-Request-Id": "RQ" + "0" * 32}
"""No proxy from the environment between the relay and the emulator."""


def newer_twilio(path: str, document: Any) -> Any:
    """What a newer API might answer: a field on services, one inside an address
    configuration's auto_creation, and one on the account's configuration."""
    route = path.split("?")[0]
    records = document.get(document["meta"]["key"]) if "meta" in document else [document]
    for record in records:
        if route.startswith("/v1/Services") and str(record.get("sid", "")).startswith("IS"):
            record["ai_assistant_sid"] = "AI" + "1" * 32
        if isinstance(record.get("auto_creation"), dict):
            record["auto_creation"]["ai_agent_sid"] = "AG" + "2" * 32
        if route == "/v1/Configuration":
            record["default_ai_settings"] = {"enabled": True}
    return document


class _Newer(Relay):
    """Answers the emulator's JSON as `newer_twilio` changes it, with the Twilio headers above
    and a Date SKEW_SECONDS ahead."""

    def answer(
        self, status: int, headers: Message, payload: bytes
    ) -> tuple[bytes, Mapping[str, str]]:
        if status == 200 and payload:
            payload = json.dumps(newer_twilio(self.path, json.loads(payload))).encode()
        served = parsedate_to_datetime(headers["Date"]).timestamp() + SKEW_SECONDS
        return payload, {"Date": formatdate(served, usegmt=True), **NEWER_HEADERS}


@pytest.fixture
def newer(emulator: EmulatorServer) -> Iterator[str]:
    """The URL of the emulator behind a relay that answers as `newer_twilio` says."""
    with relaying(_Newer, emulator.url) as url:
        yield url
