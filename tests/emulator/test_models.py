"""The transport-free layers on their own: timer rules, paging invariants, state round trip."""

from __future__ import annotations

import base64
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.emulator import defaults
from reconciler.emulator.api import EmulatorApp
from reconciler.emulator.faults import FaultInjector, FaultSettings
from reconciler.emulator.models import Account, timer_seconds

AUTH = {
    "Authorization": "Basic "
    + base64.b64encode(f"{defaults.ACCOUNT_SID}:{defaults.AUTH_TOKEN}".encode()).decode(),
    "Host": "emulator.test",
}


def _app() -> EmulatorApp:
    return EmulatorApp(
        Account.fresh(defaults.ACCOUNT_SID),
        {defaults.ACCOUNT_SID: defaults.AUTH_TOKEN},
        FaultInjector(FaultSettings()),
    )


def test_timer_durations() -> None:
    assert timer_seconds("PT1M") == 60
    assert timer_seconds("P1DT2H3M4S") == 93784
    assert timer_seconds("PT0S") == 0
    assert timer_seconds("P180D") == 180 * 86400
    for bad in ("P1M", "P1Y", "P1W", "PT1.5S", "P", "PT", "P1DT", "1H", "pt1m", ""):
        assert timer_seconds(bad) is None, bad


@settings(max_examples=40, deadline=None)
@given(count=st.integers(0, 23), size=st.integers(1, 60), deleted=st.sets(st.integers(0, 22)))
def test_paging_returns_every_item_once_in_creation_order(
    count: int, size: int, deleted: set[int]
) -> None:
    app = _app()
    sids = []
    for index in range(count):
        body = f"Type=fcm&Secret=s&FriendlyName=c{index}".encode()
        outcome = app.dispatch("POST", "/v1/Credentials", AUTH, body)
        assert outcome.status == 201
        sids.append(json.loads(outcome.body)["sid"])
    for index in sorted(deleted):
        if index < count:
            assert app.dispatch("DELETE", f"/v1/Credentials/{sids[index]}", AUTH, b"").status == 204
    expected = [f"c{i}" for i in range(count) if i not in deleted]
    seen: list[str] = []
    target: str | None = f"/v1/Credentials?PageSize={size}"
    while target:
        page = json.loads(app.dispatch("GET", target, AUTH, b"").body)
        assert len(page["credentials"]) <= size
        seen += [c["friendly_name"] for c in page["credentials"]]
        next_url = page["meta"]["next_page_url"]
        target = next_url.removeprefix("http://emulator.test") if next_url else None
    assert seen == expected


def test_state_round_trips_through_json() -> None:
    app = _app()
    app.dispatch("POST", "/v1/Services", AUTH, b"FriendlyName=x")
    app.dispatch("POST", "/v1/Credentials", AUTH, b"Type=gcm&ApiKey=k")
    saved = json.loads(json.dumps(app.account.to_dict()))
    assert Account.from_dict(saved).to_dict() == saved
