"""The local emulator, started by the API: what `reconciler emulator serve` runs in the
foreground, for a script that wants the same server (tests of users' own code have
`reconciler.testing`, which starts one per test).

The emulator is imported when a function runs: `import reconciler.api` does not load it.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path

from reconciler.api.account import send
from reconciler.api.results import EmulatorServing, Message, Notify
from reconciler.errors import ReconcilerError

DEFAULT_PORT = 4010


def serve_emulator(
    *,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    state: str | Path | None = None,
    account_sid: str | None = None,
    auth_token: str | None = None,
    api_key: str | None = None,
    api_key_type: str = "standard",
    api_secret: str | None = None,
    latency_ms: int = 0,
    fault_rate: float = 0.0,
    seed: int | None = None,
    retry_after: int = 1,
    aps_limit: int | None = None,
    subaccounts: int = 0,
    notify: Notify | None = None,
) -> EmulatorServing:
    """Start the emulated Conversations API (and the Accounts API of the main account and its
    `subaccounts`, tenant-001 ... tenant-N) on `host`:`port` (0: a free one), in threads of its
    own, until the result's `stop()`. Credentials left out are the emulator's published
    defaults; `state` is a JSON file resumed and saved on every write (memory only without it);
    `aps_limit` None is Twilio's limit. `notify` hears a warning when the emulator listens
    beyond this machine. ReconcilerError when it cannot listen there."""
    from reconciler.emulator import catalog, defaults
    from reconciler.emulator.server import EmulatorServer

    warning = exposure_warning(host)
    if warning:
        send(notify, Message(f"Warning: {warning}"))
    account_sid = account_sid or defaults.ACCOUNT_SID
    auth_token = auth_token or defaults.AUTH_TOKEN
    api_key = api_key or defaults.API_KEY_SID
    api_secret = api_secret or defaults.API_KEY_SECRET
    aps_limit = catalog.DEFAULT_APS_LIMIT if aps_limit is None else aps_limit
    try:
        server = EmulatorServer(
            host=host,
            port=port,
            state_path=Path(state) if state is not None else None,
            account_sid=account_sid,
            auth_token=auth_token,
            api_key_sid=api_key,
            api_key_secret=api_secret,
            latency_ms=latency_ms,
            fault_rate=fault_rate,
            seed=seed,
            retry_after_seconds=retry_after,
            aps_limit=aps_limit,
            subaccounts=subaccounts,
            api_key_type=api_key_type,
        ).start()
    except OSError as error:
        raise ReconcilerError(
            f"cannot listen on {host}:{port}: {error.strerror or error}"
        ) from None
    return EmulatorServing(
        server,
        server.url,
        state=state,
        account_sid=account_sid,
        auth_token=auth_token,
        api_key=api_key,
        api_secret=api_secret,
        latency_ms=latency_ms,
        fault_rate=fault_rate,
        seed=seed,
        aps_limit=aps_limit,
        subaccounts=server.subaccounts(),
    )


def exposure_warning(host: str) -> str | None:
    """A warning when the emulator listens beyond this machine: its credentials are public."""
    name = host.strip("[]").lower()
    if name == "localhost":
        return None
    try:
        if ipaddress.ip_address(name).is_loopback:
            return None
    except ValueError:
        pass
    return (
        f"listening on {host}, so anyone who can reach this machine can use the emulator; its "
        "credentials are printed below (and the defaults are published), so they protect "
        "nothing. Use --host 127.0.0.1 unless other machines must connect."
    )
