"""Benchmark: a no-change plan of a fleet of subaccounts, against one account's plan and a
serial loop over the targets.

Starts `reconciler emulator serve --subaccounts N --latency-ms L` in its own process (as Twilio
is another machine), writes one small base config shared by every tenant (one service with two
roles, default roles, per-tenant webhook URL, one per-tenant SMS address) and a targets file of
N subaccount targets with per-tenant variables, applies it, then measures with the emulator's
latency on every request:

1. one account's no-change plan (the single-account pipeline: load, policy, `plan_account`);
2. a serial loop over the targets: that plan for each target, one after another, credentials
   already known (a generous baseline: no process start-up, no lookups);
3. the fleet: `FleetRun.plan` over every target, the Accounts API lookup included, at several
   `--parallel` values.

Each row also gives the client's CPU per target (this process's CPU time; the emulator runs in
its own): the fleet's best of its samples, one plan's mean, the serial loop's one run.

Prints a Markdown table and exits 1 when the fleet at the default `--parallel` costs more than
`--handful` (5) single-account plans or makes more than one Accounts API call (2 when the run
itself goes wrong).

    .venv/bin/python benchmarks/fleet.py                 # 100 subaccounts, 50 ms (~1 minute)
    .venv/bin/python benchmarks/fleet.py --quick         # 6 subaccounts, 20 ms (seconds)
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from reconciler.emulator import defaults  # noqa: E402
from reconciler.fleet import DEFAULT_PARALLEL, Target  # noqa: E402
from reconciler.fleet.credentials import close_client, open_client  # noqa: E402
from reconciler.fleet.loader import load_targets  # noqa: E402
from reconciler.fleet.pipeline import FleetRun, RunSettings, load_target  # noqa: E402
from reconciler.live.api import DEFAULT_CONCURRENCY, LiveApi  # noqa: E402
from reconciler.live.connection import ConnectionSettings  # noqa: E402
from reconciler.plan import PlanOptions, plan_account  # noqa: E402

HANDFUL = 5
"""The fleet's no-change plan may cost at most this many single-account plans (a handful, where
a serial loop costs 100). At 50 ms on two cores the client's CPU, about 4.5 ms per target, is
the floor; see docs/fleet.md."""

BASE = {
    "version": 1,
    "services": {
        "support": {
            "friendly_name": "Support",
            "roles": {
                "agent": {
                    "type": "conversation",
                    "permissions": ["sendMessage", "leaveConversation"],
                },
                "supervisor": {"type": "service", "permissions": ["joinConversation"]},
            },
            "configuration": {
                "default_conversation_role": "agent",
                "default_chat_service_role": "supervisor",
            },
            "webhooks": {
                "method": "POST",
                "post_webhook_url": "https://hooks.example.com/${RECONCILER_TARGET}/post",
                "filters": ["onMessageAdded"],
            },
        }
    },
    "address_configurations": [
        {
            "type": "sms",
            "address": "${SUPPORT_NUMBER}",
            "auto_creation": {
                "enabled": True,
                "type": "webhook",
                "conversation_service": "support",
                "webhook_url": "https://hooks.example.com/${RECONCILER_TARGET}/inbound",
            },
        }
    ],
    "policy": {"prune": ["roles"]},
}


@dataclass
class Setup:
    directory: Path
    targets_file: Path
    url: str


@contextmanager
def emulator(subaccounts: int, latency_ms: int) -> Iterator[str]:
    """`reconciler emulator serve` in its own process; yields its URL."""
    command = [sys.executable, "-m", "reconciler", "emulator", "serve", "--port", "0"]
    command += ["--subaccounts", str(subaccounts), "--latency-ms", str(latency_ms)]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        if "listening on " not in first:
            raise RuntimeError(f"the emulator did not start: {first}")
        yield first.split("listening on ", 1)[1].strip()
    finally:
        process.terminate()
        process.communicate(timeout=30)


def write_fleet(directory: Path, subaccounts: int) -> Path:
    (directory / "base").mkdir(parents=True, exist_ok=True)
    (directory / "base" / "conversations.yaml").write_text(yaml.safe_dump(BASE), encoding="utf-8")
    width = max(3, len(str(subaccounts)))
    targets = [
        {
            "name": f"tenant-{index:0{width}d}",
            "subaccount": f"tenant-{index:0{width}d}",
            "variables": {"SUPPORT_NUMBER": f"+1555{index:07d}"},
        }
        for index in range(1, subaccounts + 1)
    ]
    document = {"version": 1, "defaults": {"config": ["base"]}, "targets": targets}
    path = directory / "reconciler-targets.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def stats(url: str) -> dict[str, Any]:
    answer: dict[str, Any] = requests.get(f"{url}/__emulator/stats", timeout=10).json()
    return answer


def reset_stats(url: str) -> None:
    requests.delete(f"{url}/__emulator/stats", timeout=10)


def parent_environ(url: str) -> dict[str, str]:
    return {
        **os.environ,
        "TWILIO_ACCOUNT_SID": defaults.ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": defaults.AUTH_TOKEN,
        "RECONCILER_ENDPOINT": url,
    }


def single_plan(target: Target, settings: ConnectionSettings, url: str) -> float:
    """One account's no-change plan, as `reconciler plan` runs it; returns its seconds."""
    started = time.perf_counter()
    loaded, _ = load_target(target, parent_environ(url))
    client = open_client(settings, url)
    try:
        plan, _ = plan_account(loaded, LiveApi(client, concurrency=DEFAULT_CONCURRENCY))
    finally:
        close_client(client)
    if not plan.empty:
        raise RuntimeError(f"{target.name}: the plan after apply is not empty")
    return time.perf_counter() - started


def fleet_plan(targets_file: Path, url: str, parallel: int) -> tuple[float, float, dict[str, Any]]:
    """The fleet's no-change plan: its seconds, the client's CPU seconds (this process: the
    emulator runs in its own) and the emulator's request counts."""
    fleet = load_targets(targets_file)
    run = FleetRun(
        fleet,
        fleet.targets,
        RunSettings(endpoint=url, parallel=parallel, environ=parent_environ(url)),
    )
    reset_stats(url)
    started, cpu = time.perf_counter(), time.process_time()
    sessions = run.plan(PlanOptions())
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    for session in sessions:
        session.close()
    run.close()
    report = run.report("plan", [session.result for session in sessions], None)
    if report.failed or report.changed:
        problems = [f"{r.name}: {r.status} {r.error or ''}" for r in report.targets if r.failed]
        raise RuntimeError("the fleet plan is not clean: " + "; ".join(problems[:3]))
    return seconds, cpu, stats(url)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subaccounts", type=int, default=100)
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--samples", type=int, default=3, help="runs of each measurement")
    parser.add_argument("--handful", type=float, default=HANDFUL)
    parser.add_argument(
        "--parallel", type=int, nargs="*", default=[1, 8, 16, 32, DEFAULT_PARALLEL, 100]
    )
    parser.add_argument("--quick", action="store_true", help="6 subaccounts, 20 ms, 1 sample")
    arguments = parser.parse_args(argv)
    if arguments.quick:
        arguments.subaccounts, arguments.latency_ms, arguments.samples = 6, 20, 1
        arguments.parallel = [1, DEFAULT_PARALLEL]
    if DEFAULT_PARALLEL not in arguments.parallel:
        arguments.parallel.append(DEFAULT_PARALLEL)
    try:
        return run(arguments)
    except RuntimeError as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 2


def run(arguments: argparse.Namespace) -> int:
    count, latency = arguments.subaccounts, arguments.latency_ms
    with tempfile.TemporaryDirectory() as folder, emulator(count, latency) as url:
        targets_file = write_fleet(Path(folder), count)
        fleet = load_targets(targets_file)
        applying = FleetRun(
            fleet, fleet.targets, RunSettings(endpoint=url, environ=parent_environ(url))
        )
        sessions = applying.plan(PlanOptions(), for_apply=True)
        results = applying.apply(sessions, set())
        if any(result.failed for result in results):
            failed = next(result for result in results if result.failed)
            raise RuntimeError(f"apply failed for {failed.name}: {failed.error}")

        resolver = applying.resolver
        first = fleet.targets[0]
        settings = resolver.settings(first)
        single_plan(first, settings, url)  # warm-up
        reset_stats(url)
        cpu = time.process_time()
        singles = [single_plan(first, settings, url) for _ in range(arguments.samples)]
        single_cpu = (time.process_time() - cpu) / len(singles)
        single = statistics.median(singles)
        single_gets = stats(url)["by_method"]["GET"] // len(singles)

        reset_stats(url)
        started, cpu = time.perf_counter(), time.process_time()
        for target in fleet.targets:
            single_plan(target, resolver.settings(target), url)
        serial, serial_cpu = time.perf_counter() - started, time.process_time() - cpu
        serial_gets = stats(url)["by_method"]["GET"]

        fleets: dict[int, float] = {}
        cpus: dict[int, float] = {}
        calls: dict[int, dict[str, Any]] = {}
        for parallel in sorted(set(arguments.parallel)):
            samples = [fleet_plan(targets_file, url, parallel) for _ in range(arguments.samples)]
            fleets[parallel] = statistics.median(seconds for seconds, _, _ in samples)
            cpus[parallel] = min(cpu for _, cpu, _ in samples) / count
            calls[parallel] = samples[-1][2]

    default = fleets[DEFAULT_PARALLEL]
    ratio = default / single
    listings = calls[DEFAULT_PARALLEL]["by_route"].get("GET /2010-04-01/Accounts.json", 0)
    met = ratio <= arguments.handful and listings == 1
    print(f"## Fleet no-change plan: {count} subaccounts, {latency} ms per request\n")
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}; emulator in its own process; --concurrency "
        f"{DEFAULT_CONCURRENCY} per target.\n"
    )
    print("| run | wall time | single-account plans | GETs | client CPU per target |")
    print("|---|---:|---:|---:|---:|")
    print(
        f"| one account's plan (median of {len(singles)}) | {single:.2f} s | 1 | {single_gets} "
        f"| {single_cpu * 1000:.1f} ms |"
    )
    loop = f"| serial loop over the {count} targets | {serial:.2f} s | {serial / single:.1f} |"
    print(f"{loop} {serial_gets} | {serial_cpu / count * 1000:.1f} ms |")
    for parallel in sorted(fleets):
        gets = calls[parallel]["by_method"]["GET"]
        marker = " (default)" if parallel == DEFAULT_PARALLEL else ""
        print(
            f"| fleet, --parallel {parallel}{marker} | {fleets[parallel]:.2f} s | "
            f"{fleets[parallel] / single:.1f} | {gets} | {cpus[parallel] * 1000:.1f} ms |"
        )
    print()
    print(
        f"The fleet at --parallel {DEFAULT_PARALLEL} costs {ratio:.1f} single-account plans "
        f"(target <= {arguments.handful:g}: {'met' if met else 'MISSED'}), "
        f"{serial / default:.1f}x faster than the serial loop; it made {listings} Accounts API "
        "call(s) for every subaccount's credentials."
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
