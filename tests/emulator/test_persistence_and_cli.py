"""State files (resume, atomic writes, kill -9) and the `emulator serve` command."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from reconciler.api.emulator import exposure_warning
from reconciler.cli.main import cli
from reconciler.emulator import defaults
from reconciler.emulator.persistence import StateFileError, journal_path
from reconciler.emulator.server import EmulatorServer
from tests.emulator.subprocesses import reap

AUTH = (defaults.ACCOUNT_SID, defaults.AUTH_TOKEN)
REPO = Path(__file__).resolve().parents[2]
SERVE = [sys.executable, "-m", "reconciler", "emulator", "serve", "--port", "0"]


def test_state_file_resumes_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    state = tmp_path / "state" / "emulator.json"
    with EmulatorServer(state_path=state) as server, requests.Session() as session:
        session.auth = AUTH
        default_sid = session.get(f"{server.url}/v1/Configuration", timeout=5).json()[
            "default_chat_service_sid"
        ]
        service = session.post(
            f"{server.url}/v1/Services", data={"FriendlyName": "kept"}, timeout=5
        ).json()
    assert sorted(p.name for p in state.parent.iterdir()) == ["emulator.json", "emulator.json.lock"]
    with EmulatorServer(state_path=state) as server, requests.Session() as session:
        session.auth = AUTH
        body = session.get(f"{server.url}/v1/Services", timeout=5).json()
        assert [s["sid"] for s in body["services"]] == [default_sid, service["sid"]]
        roles = session.get(f"{server.url}/v1/Services/{service['sid']}/Roles", timeout=5)
        assert len(roles.json()["roles"]) == 4


def test_unusable_state_files_are_refused(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text("{not json")
    with pytest.raises(StateFileError):
        EmulatorServer(state_path=state)
    EmulatorServer(state_path=tmp_path / "other.json")  # creates it
    with pytest.raises(StateFileError, match="holds account"):
        EmulatorServer(state_path=tmp_path / "other.json", account_sid="AC" + "a" * 32)


def test_one_emulator_at_a_time_uses_a_state_file(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with EmulatorServer(state_path=state):
        with pytest.raises(
            StateFileError, match=rf"in use by another emulator \(process {os.getpid()}\)"
        ):
            EmulatorServer(state_path=state)
        EmulatorServer(state_path=tmp_path / "other.json")  # another file is another lock
    with EmulatorServer(state_path=state) as again:  # released at stop
        assert again.snapshot_all()
    EmulatorServer(state_path=state)  # built, never started, dropped: lets go too
    EmulatorServer(state_path=state).stop()


def test_a_local_run_is_refused_while_another_process_holds_its_state(tmp_path: Path) -> None:
    """`plan --local` beside a running `--local` apply (here: a server on the same state)
    would replay and delete the journal the other is appending to; it is refused instead."""
    state = tmp_path / defaults.LOCAL_STATE_DIR / defaults.LOCAL_STATE_FILE
    state.parent.mkdir()
    example = REPO / "examples" / "support-desk"
    with _serve("--state", str(state)) as (server, _):
        done = subprocess.run(
            [sys.executable, "-m", "reconciler", "plan", str(example), "--local"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        assert done.returncode == 1, done.stderr
        assert f"in use by another emulator (process {server.pid})" in done.stderr
        assert "Traceback" not in done.stderr
        assert server.poll() is None, "the holder runs on"


@contextmanager
def _serve(*args: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """`python -m reconciler emulator serve --port 0 ...` in a subprocess, and its URL."""
    with _process([*SERVE, *args]) as running:
        yield running


# An emulator that compacts whenever its journal reaches the state file's size (every dozen
# writes or so), so that a kill -9 may land mid-compaction.
COMPACTING = """
import sys, time
from pathlib import Path
from reconciler.emulator.server import EmulatorServer
server = EmulatorServer(state_path=Path(sys.argv[1]), aps_limit=0, min_journal_bytes=0).start()
print("listening on", server.url, flush=True)
time.sleep(600)
"""


@contextmanager
def _process(command: list[str]) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """An emulator process that prints `listening on URL` first, and its URL."""
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        assert process.stdout is not None and process.stderr is not None
        first = process.stdout.readline()
        assert "listening on http://127.0.0.1:" in first, first + process.stderr.read()
        yield process, first.split("listening on ", 1)[1].strip()
    finally:
        reap(process)


@pytest.mark.parametrize("compacting", [False, True], ids=["journal", "compacting"])
def test_kill_9_during_writes_keeps_every_acknowledged_write(
    tmp_path: Path, compacting: bool
) -> None:
    state = tmp_path / "state.json"
    acknowledged: list[str] = []
    command = (
        [sys.executable, "-c", COMPACTING, str(state)]
        if compacting
        else [*SERVE, "--state", str(state), "--aps-limit", "0"]
    )
    with _process(command) as (process, url):
        stop = threading.Event()

        def write() -> None:
            with requests.Session() as session:
                session.auth = AUTH
                index = 0
                while not stop.is_set():
                    name = f"role-{index}"
                    try:
                        response = session.post(
                            f"{url}/v1/Roles",
                            data={
                                "FriendlyName": name,
                                "Type": "service",
                                "Permission": "joinConversation",
                            },
                            timeout=5,
                        )
                    except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
                        return  # killed before answering, or while answering (body cut short)
                    assert response.status_code == 201
                    acknowledged.append(name)
                    index += 1

        writer = threading.Thread(target=write)
        writer.start()
        deadline = time.monotonic() + 10
        while len(acknowledged) < 60 and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        stop.set()
        writer.join(timeout=10)
    assert len(acknowledged) >= 60
    json.loads(state.read_text())  # loadable, not torn
    if not compacting:
        assert journal_path(state).exists(), "the writes are in the journal, not the snapshot"
        roles = json.loads(state.read_text())["accounts"][0]["conversations"]["roles"]
        assert [len(of_service) for of_service in roles.values()] == [4], "the built-in ones"
    with EmulatorServer(state_path=state) as server, requests.Session() as session:
        session.auth = AUTH
        names = []
        page_url: str | None = f"{server.url}/v1/Roles?PageSize=50"
        while page_url:
            body = session.get(page_url, timeout=5).json()
            names += [role["friendly_name"] for role in body["roles"]]
            page_url = body["meta"]["next_page_url"]
    assert set(acknowledged) <= set(names)


def test_serve_prints_credentials_and_stops_cleanly_on_sigterm() -> None:
    with _serve("--latency-ms", "1") as (process, url):
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(9)]
        text = "".join(lines)
        assert f"export RECONCILER_ENDPOINT={url}" in text
        assert f"export TWILIO_ACCOUNT_SID={defaults.ACCOUNT_SID}" in text
        assert f"export TWILIO_AUTH_TOKEN={defaults.AUTH_TOKEN}" in text
        assert defaults.API_KEY_SID in text
        with requests.Session() as session:
            session.auth = AUTH
            assert session.get(f"{url}/v1/Services", timeout=5).status_code == 200
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        assert "Emulator stopped." in process.stdout.read()


def test_serve_options_are_validated() -> None:
    runner = CliRunner()
    help_text = runner.invoke(cli, ["emulator", "serve", "--help"]).output
    assert "4010" in help_text and "--state" in help_text and "--api-key" in help_text
    for args, fragment in (
        (["--account-sid", "AC123"], "--account-sid"),
        (["--api-key", "AC" + "0" * 32], "--api-key"),
        (["--fault-rate", "1.5"], "--fault-rate"),
        (["--latency-ms", "-1"], "--latency-ms"),
        (["--port", "70000"], "--port"),
        (["--auth-token", ""], "--auth-token"),
    ):
        result = runner.invoke(cli, ["emulator", "serve", *args])
        assert result.exit_code == 1, args  # usage errors exit 1 (DESIGN.md)
        assert fragment in result.output, result.output


@pytest.mark.parametrize(
    ("host", "warned"),
    [
        ("127.0.0.1", False),
        ("127.0.0.2", False),
        ("localhost", False),
        ("::1", False),
        ("[::1]", False),
        ("0.0.0.0", True),
        ("::", True),
        ("192.168.1.20", True),
        ("devbox.example.com", True),
    ],
)
def test_listening_beyond_loopback_warns_that_the_credentials_are_public(
    host: str, warned: bool
) -> None:
    """Checked without binding: tests only ever listen on 127.0.0.1."""
    warning = exposure_warning(host)
    assert (warning is not None) == warned
    if warning:
        assert host in warning and "credentials" in warning and "127.0.0.1" in warning
