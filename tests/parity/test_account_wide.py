"""Account-wide settings a scenario changes are put back as they were: a null timer as null
(cleared the way the engine clears it), on SIGTERM (what GitHub Actions sends a cancelled job)
as at the end of a scenario, and, after a SIGKILL that skipped every `finally`, by the next
run, from the values the killed run remembered, unless the setting changed since."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from twilio.rest import Client

from reconciler.emulator.server import EmulatorServer
from reconciler.parity import runner, snapshots
from reconciler.parity.__main__ import main
from reconciler.parity.account_wide import STATE_ENV
from tests.conftest import client_for
from tests.emulator.subprocesses import reap
from tests.parity.proxy import AlteringProxy

TIMERS = ("default_inactive_timer", "default_closed_timer")
HOOKS = ("pre_webhook_url", "post_webhook_url", "method", "filters", "target")


def _timers(client: Client) -> dict[str, Any]:
    configuration = client.conversations.v1.configuration().fetch()
    return {name: getattr(configuration, name) for name in TIMERS}


def _hooks(client: Client) -> dict[str, Any]:
    webhooks = client.conversations.v1.configuration.webhooks().fetch()
    return {name: getattr(webhooks, name) for name in HOOKS}


@pytest.mark.parametrize("timers", [None, ("PT5M", "PT2H")])
def test_account_settings_are_put_back_as_read_a_null_timer_as_null(
    timers: tuple[str, str] | None, tmp_path: Path
) -> None:
    with EmulatorServer(port=0) as server, client_for(server) as client:
        if timers:
            client.conversations.v1.configuration().update(
                default_inactive_timer=timers[0], default_closed_timer=timers[1]
            )
        before = _timers(client), _hooks(client)
        scenarios = ["account_configuration", "account_webhooks"]
        runner.record("endpoint", scenarios, tmp_path, server.url)
        after = _timers(client), _hooks(client)
    assert after == before
    assert after[0] == dict(zip(TIMERS, timers or (None, None), strict=True))  # not PT0S
    last = snapshots.read(tmp_path, "account_configuration")["answers"][-1]
    assert last["step"] == "fetch after putting back"  # what the account reads, recorded
    assert {name: last["body"][name] for name in TIMERS} == after[0]


Stop = Callable[[str, Any], bool]
"""(method, answer body) -> whether the proxy holds this answer back."""


def refusal(code: int) -> Stop:
    return lambda method, body: isinstance(body, dict) and body.get("code") == code


def timers_put_back(method: str, body: Any) -> bool:
    """The answer to the cleanup's POST /v1/Configuration (timers null again)."""
    answered = isinstance(body, dict) and "default_chat_service_sid" in body
    return method == "POST" and answered and body["default_closed_timer"] is None


@dataclass
class Held:
    """A `record` run in a process of its own, held at answers (`stops`, in order) that the
    proxy keeps back until released: after the scenario changed the setting, say."""

    process: subprocess.Popen[str]
    proxy: AlteringProxy
    client: Client
    reached: list[threading.Event]
    released: list[threading.Event]

    def release(self) -> None:
        for event in self.released:
            event.set()


@contextmanager
def _held(scenario: str, state: Path, tmp_path: Path, *stops: Stop) -> Iterator[Held]:
    reached = [threading.Event() for _ in stops]
    released = [threading.Event() for _ in stops]

    def hold(method: str, path: str, status: int, body: Any) -> tuple[int, Any]:
        for stop, arrived, go in zip(stops, reached, released, strict=True):
            if not arrived.is_set() and stop(method, body):
                arrived.set()
                go.wait(timeout=30)
                break
        return status, body

    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TWILIO_", "RECONCILER_"))
    }
    env[STATE_ENV] = str(state)
    with EmulatorServer(port=0) as upstream, client_for(upstream) as client:
        proxy = AlteringProxy(upstream.url, hold)
        with proxy.running():
            command = ["-m", "reconciler.parity", "record", "--target", "endpoint"]
            command += ["--endpoint", proxy.url, "--scenario", scenario]
            process = subprocess.Popen(
                [sys.executable, *command, "--snapshots", str(tmp_path / "snapshots")],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            held = Held(process, proxy, client, reached, released)
            try:
                assert reached[0].wait(timeout=60), process.communicate(timeout=30)
                yield held
            finally:
                held.release()
                reap(process)


def test_sigterm_runs_the_cleanup_that_puts_the_settings_back(
    parity_state: Path, tmp_path: Path
) -> None:
    with _held("account_configuration", parity_state, tmp_path, refusal(50375)) as held:
        assert _timers(held.client) == {
            "default_inactive_timer": "PT1M",
            "default_closed_timer": "PT10M",
        }
        held.process.send_signal(signal.SIGTERM)
        _, error = held.process.communicate(timeout=30)
        assert held.process.returncode == 143
        assert error.splitlines() == ["parity: stopped by SIGTERM, after the run's cleanup"]
        assert _timers(held.client) == dict.fromkeys(TIMERS)
        assert list(parity_state.iterdir()) == []  # nothing left to put back


def test_a_sigterm_during_the_cleanup_that_ctrl_c_started_does_not_cut_it_short(
    parity_state: Path, tmp_path: Path
) -> None:
    """GitHub Actions cancels a job with SIGINT, then SIGTERM 7.5 s later: the SIGTERM that
    lands while the cleanup runs is ignored, so the cleanup ends (and exits 130)."""
    stops = (refusal(50375), timers_put_back)
    with _held("account_configuration", parity_state, tmp_path, *stops) as held:
        held.process.send_signal(signal.SIGINT)
        assert held.reached[1].wait(timeout=30)  # the cleanup's answer, held back
        held.process.send_signal(signal.SIGTERM)
        held.release()
        _, error = held.process.communicate(timeout=30)
        assert held.process.returncode == 130, error
        assert error.splitlines() == ["parity: stopped by Ctrl-C, after the run's cleanup"]
        assert _timers(held.client) == dict.fromkeys(TIMERS)
        assert list(parity_state.iterdir()) == []  # the cleanup went to its end


def test_after_a_sigkill_the_next_run_puts_the_settings_back(
    parity_state: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with _held("account_webhooks", parity_state, tmp_path, refusal(20001)) as held:
        before = {"pre_webhook_url": None, "post_webhook_url": None, "method": "POST"}
        held.process.kill()  # no finally runs
        held.process.wait(timeout=30)
        assert _hooks(held.client)["pre_webhook_url"] == "https://hooks.example.com/pre"
        assert len(list(parity_state.iterdir())) == 1  # what the killed run remembered
        command = ["record", "--target", "endpoint", "--endpoint", held.proxy.url]
        held.release()
        assert main([*command, "--snapshots", str(tmp_path), "--scenario", "services"]) == 0
        hooks = _hooks(held.client)
    assert {name: hooks[name] for name in before} == before
    assert hooks["filters"] == [] and hooks["target"] == "webhook"
    assert "parity: account webhooks: put back as it was before an interrupted run changed it" in (
        capsys.readouterr().err.splitlines()
    )
    assert list(parity_state.iterdir()) == []


def test_a_setting_changed_since_the_killed_run_is_left_alone(
    parity_state: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with _held("account_configuration", parity_state, tmp_path, refusal(50375)) as held:
        held.process.kill()
        held.process.wait(timeout=30)
        configuration = held.client.conversations.v1.configuration()
        configuration.update(default_inactive_timer="PT3M")  # someone's deliberate change
        command = ["record", "--target", "endpoint", "--endpoint", held.proxy.url]
        held.release()
        assert main([*command, "--snapshots", str(tmp_path), "--scenario", "services"]) == 0
        timers = _timers(held.client)
    assert timers == {"default_inactive_timer": "PT3M", "default_closed_timer": "PT10M"}
    assert (
        "parity: account configuration: an interrupted run changed it, and it has changed "
        "since: left as it is" in capsys.readouterr().err.splitlines()
    )
    assert list(parity_state.iterdir()) == []
