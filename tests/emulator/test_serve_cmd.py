"""`reconciler emulator serve` in a subprocess: Ctrl-C's exit code and the banner's credentials."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from reconciler.emulator import defaults
from reconciler.emulator.persistence import journal_path
from reconciler.emulator.server import EmulatorServer
from reconciler.live.connection import ConnectionSettings, build_client
from reconciler.testing import close_client
from tests.emulator.subprocesses import reap

REPO = Path(__file__).resolve().parents[2]
SERVE = [sys.executable, "-m", "reconciler", "emulator", "serve", "--port", "0"]
LAST_BANNER_LINE = "Stop with Ctrl-C."


@contextmanager
def serving(
    *args: str, env: Mapping[str, str] | None = None
) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """The command running, and its banner (read up to the line that says how to stop it)."""
    environment = {**os.environ, **(env or {})}
    for name in ("RECONCILER_DEBUG", "TWILIO_AUTH_TOKEN", "TWILIO_API_SECRET"):
        if name not in (env or {}):
            environment.pop(name, None)
    process = subprocess.Popen(
        [*SERVE, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env=environment,
    )
    try:
        assert process.stdout is not None and process.stderr is not None
        banner = ""
        while LAST_BANNER_LINE not in banner:
            line = process.stdout.readline()
            assert line, banner + process.stderr.read()
            banner += line
        yield process, banner
    finally:
        reap(process)


def url_of(banner: str) -> str:
    return banner.split("listening on ", 1)[1].split()[0]


def test_ctrl_c_saves_the_state_and_exits_130(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with serving("--state", str(state)) as (process, banner):
        settings = ConnectionSettings(
            defaults.ACCOUNT_SID, defaults.ACCOUNT_SID, defaults.AUTH_TOKEN
        )
        client = build_client(settings, url_of(banner))
        try:
            client.conversations.v1.services.create(friendly_name="kept-after-ctrl-c")
        finally:
            close_client(client)
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 130
        assert process.stdout is not None and process.stderr is not None
        assert "Emulator stopped." in process.stdout.read()
        assert "Traceback" not in process.stderr.read()
    # The clean shutdown folded the journal into the state file, which a new emulator resumes.
    assert not journal_path(state).exists()
    with EmulatorServer(state_path=state) as resumed:
        names = [s["friendly_name"] for s in resumed.snapshot()["services"]]
    assert "kept-after-ctrl-c" in names


def test_sigterm_still_exits_0() -> None:
    with serving() as (process, _):
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0


def test_the_banner_shows_the_emulators_credentials_when_the_environment_holds_them(
    tmp_path: Path,
) -> None:
    """Restarted in a shell that followed the banner's `export` lines: the credentials the
    environment holds are the emulator's own, shown so they can be used again."""
    exported = {
        "TWILIO_ACCOUNT_SID": defaults.ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": defaults.AUTH_TOKEN,
        "TWILIO_API_SECRET": defaults.API_KEY_SECRET,
    }
    with serving(env=exported) as (process, banner):
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
    assert "***" not in banner, banner
    assert f"export TWILIO_AUTH_TOKEN={defaults.AUTH_TOKEN}\n" in banner
    assert f"with auth token {defaults.AUTH_TOKEN}\n" in banner
    assert f"with secret {defaults.API_KEY_SECRET}\n" in banner


def test_a_real_credential_in_the_environment_stays_masked(tmp_path: Path) -> None:
    """The environment's token is not the emulator's: masked wherever serve would show it
    (here in the state file's path), while the banner shows the emulator's own token."""
    real = "real-auth-token-0123456789abcdef"
    folder = tmp_path / real
    folder.mkdir()
    with serving("--state", str(folder / "state.json"), env={"TWILIO_AUTH_TOKEN": real}) as (
        process,
        banner,
    ):
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
    assert real not in banner
    assert f"state: {tmp_path}/***/state.json" in banner
    assert f"export TWILIO_AUTH_TOKEN={defaults.AUTH_TOKEN}\n" in banner
