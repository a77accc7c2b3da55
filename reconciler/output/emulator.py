"""The banner of `reconciler emulator serve`: where the emulator listens, the credentials its
clients use (its own, published ones: shown, not masked) and how to point the reconciler at it.
A subaccount's auth token is never shown: the main account's credentials read it through the
Accounts API, as a fleet's `subaccount:` targets do."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reconciler.api.results import EmulatorServing

MAX_SUBACCOUNTS_LISTED = 10
"""Past this, the first five and the last two are listed, the others counted."""


def banner(serving: EmulatorServing) -> str:
    lines = [
        f"Twilio Conversations emulator listening on {serving.url}",
        f"  state: {serving.state if serving.state else 'in memory'}",
        f"  account SID {serving.account_sid} with auth token {serving.auth_token}",
        f"  or API key {serving.api_key} with secret {serving.api_secret}",
    ]
    if serving.latency_ms or serving.fault_rate:
        lines.append(
            f"  latency {serving.latency_ms} ms, fault rate {serving.fault_rate}, "
            f"seed {serving.seed}"
        )
    limit = f"{serving.aps_limit} per second per service" if serving.aps_limit else "off"
    lines += [
        f"  role write limit: {limit}",
        "Point the reconciler at it with:",
        f"  export TWILIO_ACCOUNT_SID={serving.account_sid}",
        f"  export TWILIO_AUTH_TOKEN={serving.auth_token}",
        f"  export RECONCILER_ENDPOINT={serving.url}",
        *_subaccounts(serving.subaccounts),
        "Stop with Ctrl-C.",
    ]
    return "\n".join(lines) + "\n"


def _subaccounts(subaccounts: Sequence[Mapping[str, Any]]) -> list[str]:
    """Names and SIDs only, a long list shortened."""
    if not subaccounts:
        return []
    lines = [f"Subaccounts ({len(subaccounts)}; tokens via GET /2010-04-01/Accounts.json):"]
    many = len(subaccounts) > MAX_SUBACCOUNTS_LISTED
    shown = [*subaccounts[:5], *subaccounts[-2:]] if many else subaccounts
    for index, subaccount in enumerate(shown):
        if many and index == 5:
            lines.append(f"  ... {len(subaccounts) - 7} more ...")
        lines.append(
            f"  {subaccount['sid']}  {subaccount['friendly_name']} ({subaccount['status']})"
        )
    return lines
