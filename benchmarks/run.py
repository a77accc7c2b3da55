"""Benchmark: API calls and wall time of a large apply and a no-change plan, against the emulator.

Builds a generated account (by default 40 services x 12 roles, 400 address configurations) in
an in-process emulator that sleeps `--latency-ms` on every API request, then measures

1. the plan of that config against an empty account (reads only),
2. the apply from empty (executing that plan: the writes),
3. a no-change plan of the same config against the now-built account,

and compares each with a serial one-call-per-resource baseline computed from the same counts
and a per-call time measured with serial requests at the same latency. Prints a Markdown
table and exits 1 when a target is missed (2 when the run itself goes wrong).

    .venv/bin/python benchmarks/run.py                # the full benchmark (a few minutes)
    .venv/bin/python benchmarks/run.py --quick        # a smoke run (seconds)
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from reconciler.apply import Executor  # noqa: E402
from reconciler.config import LoadedConfig, load_config, rules  # noqa: E402
from reconciler.emulator import defaults  # noqa: E402
from reconciler.emulator.server import EmulatorServer  # noqa: E402
from reconciler.live.api import DEFAULT_CONCURRENCY, LiveApi  # noqa: E402
from reconciler.live.connection import ConnectionSettings, build_client  # noqa: E402
from reconciler.live.reader import LiveState  # noqa: E402
from reconciler.plan import Plan, plan_account  # noqa: E402

PLAN_SPEEDUP_TARGET = 20.0
APPLY_SPEEDUP_TARGET = 6.0
READS_PER_SERVICE_TARGET = 4
HANDFUL = 10
"""'A handful' of account-level reads allowed on top of 4 per service."""
METHODS = ("GET", "POST", "DELETE")


# ---------------------------------------------------------------------------- the config


def generate_config(services: int, roles: int, addresses: int) -> dict[str, Any]:
    """A valid config: services with roles, default roles and webhooks; SMS addresses."""
    conversation_permissions = list(rules.CONVERSATION_PERMISSIONS)
    service_permissions = list(rules.SERVICE_PERMISSIONS)
    service_map: dict[str, Any] = {}
    for s in range(services):
        role_map: dict[str, Any] = {}
        for r in range(roles):
            role_type = "conversation" if r % 2 == 0 else "service"
            pool = conversation_permissions if role_type == "conversation" else service_permissions
            count = 2 + (s + r) % (len(pool) - 2)
            role_map[f"role-{r:02d}"] = {"type": role_type, "permissions": sorted(pool[:count])}
        configuration: dict[str, Any] = {"reachability_enabled": s % 2 == 0}
        if roles >= 2:
            configuration["default_conversation_role"] = "role-00"
            configuration["default_chat_service_role"] = "role-01"
        service_map[f"svc-{s:03d}"] = {
            "friendly_name": f"Benchmark service {s:03d}",
            "roles": role_map,
            "configuration": configuration,
            "webhooks": {
                "method": "POST",
                "post_webhook_url": f"https://hooks.example.com/services/{s:03d}",
                "filters": ["onMessageAdded", "onConversationStateUpdated"],
            },
        }
    address_list = []
    for a in range(addresses):
        address_list.append(
            {
                "type": "sms",
                "address": f"+1555{a:07d}",
                "friendly_name": f"Benchmark line {a:04d}",
                "auto_creation": {
                    "enabled": True,
                    "type": "webhook",
                    "conversation_service": f"svc-{a % services:03d}",
                    "webhook_url": f"https://hooks.example.com/inbound/{a:04d}",
                    "webhook_method": "POST",
                    "webhook_filters": ["onMessageAdded"],
                },
            }
        )
    return {"version": 1, "services": service_map, "address_configurations": address_list}


def write_and_load(data: dict[str, Any], directory: Path) -> LoadedConfig:
    """Write the config as YAML and load it the way the CLI does (validation included)."""
    path = directory / "conversations.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return load_config([path], environ={})


# ---------------------------------------------------------------------------- measurement


@dataclass
class Measurement:
    """One operation: its calls by method and route, wall time and serial baseline."""

    name: str
    seconds: float
    by_method: dict[str, int]
    by_route: dict[str, int]
    baseline_calls: int = 0
    baseline_seconds: float = 0.0
    baseline_note: str = ""
    target: str = ""
    met: bool | None = None
    speedup_waived: bool = False
    """--quick: the speed-up target was below target but not enforced."""
    notes: list[str] = field(default_factory=list)

    @property
    def calls(self) -> int:
        return sum(self.by_method.get(method, 0) for method in METHODS)

    @property
    def speedup(self) -> float:
        return self.baseline_seconds / self.seconds if self.seconds > 0 else math.inf


def measured(
    emulator: EmulatorServer, name: str, operation: Callable[[], Any]
) -> tuple[Measurement, Any]:
    """Run an operation with the emulator's counters reset around it."""
    emulator.reset_stats()
    started = time.perf_counter()
    result = operation()
    seconds = time.perf_counter() - started
    stats = emulator.stats()
    by_method = {method: int(stats["by_method"].get(method, 0)) for method in METHODS}
    return Measurement(name, seconds, by_method, dict(stats.get("by_route", {}))), result


@dataclass
class CallTimes:
    """Mean wall time of one serial request, per method, at the emulator's latency."""

    read: float
    write: float
    samples: int

    def serial(self, reads: int, writes: int) -> float:
        return reads * self.read + writes * self.write


def measure_serial_calls(api: LiveApi, samples: int) -> CallTimes:
    """Serial GETs and POSTs through the same SDK client, after one warm-up each."""
    v1 = api.v1
    current = v1.configuration().fetch()
    timer = current.default_inactive_timer

    def read() -> None:
        v1.configuration().fetch()

    def write() -> None:
        v1.configuration().update(default_inactive_timer=timer)

    def mean(operation: Callable[[], None]) -> float:
        operation()
        times = []
        for _ in range(samples):
            started = time.perf_counter()
            operation()
            times.append(time.perf_counter() - started)
        return statistics.fmean(times)

    # An update with nothing to send is not a write worth timing.
    write_time = mean(read) if timer is None else mean(write)
    return CallTimes(read=mean(read), write=write_time, samples=samples)


def resources_in(live: LiveState) -> dict[str, int]:
    """Resources the plan compared, by kind: what a naive tool would GET one by one."""
    return {kind: len(resources) for kind, resources in sorted(live.resources.items())}


def per_service_reads(by_route: dict[str, int]) -> tuple[int, int]:
    """GETs under /v1/Services/{Sid}/... versus every other GET (account-level lists)."""
    nested = account = 0
    for key, count in by_route.items():
        method, _, route = key.partition(" ")
        if method != "GET":
            continue
        if route.startswith("/v1/Services/{Sid}/"):
            nested += count
        else:
            account += count
    return nested, account


# ---------------------------------------------------------------------------- the run


@dataclass
class Settings:
    services: int
    roles: int
    addresses: int
    latency_ms: int
    concurrency: int
    samples: int
    verify_serial: bool
    quick: bool = False
    """Smoke run: too small for speed-ups to mean anything, so only call counts are enforced."""


def run(settings: Settings) -> tuple[list[Measurement], dict[str, Any]]:
    """Build the account, measure the three operations, return measurements and context."""
    data = generate_config(settings.services, settings.roles, settings.addresses)
    context: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="reconciler-bench-") as tmp:
        loaded = write_and_load(data, Path(tmp))
    connection = ConnectionSettings(
        account_sid=defaults.ACCOUNT_SID,
        username=defaults.ACCOUNT_SID,
        password=defaults.AUTH_TOKEN,
    )
    with EmulatorServer(host="127.0.0.1", port=0, latency_ms=settings.latency_ms) as emulator:
        client = build_client(connection, emulator.url)
        api = LiveApi(client, concurrency=settings.concurrency)
        times = measure_serial_calls(api, settings.samples)
        context["call_times"] = times

        empty_plan_m, (plan, live) = measured(
            emulator, "plan, empty account", lambda: plan_account(loaded, api)
        )
        context["plan_summary"] = plan.summary
        context["guards"] = [guard.message for guard in plan.guards]

        apply_m, report = measured(
            emulator, "apply from empty", lambda: Executor(api, live).run(plan)
        )
        if not report.succeeded:
            failures = [r.detail for r in report.results if r.outcome != "done"][:5]
            raise RuntimeError(f"apply did not converge: {report.summary_line()} {failures}")
        context["apply_report"] = report.summary_line()

        noop_m, (noop_plan, noop_live) = measured(
            emulator, "no-change plan", lambda: plan_account(loaded, api)
        )
        if not noop_plan.empty:
            raise RuntimeError(f"the plan after apply is not empty: {noop_plan.summary}")
        context["resources"] = resources_in(noop_live)

    _baselines(settings, times, empty_plan_m, apply_m, noop_m, context)
    if settings.verify_serial:
        context["serial_apply_seconds"] = _serial_apply(loaded, connection, settings, plan)
    return [empty_plan_m, apply_m, noop_m], context


def _baselines(
    settings: Settings,
    times: CallTimes,
    empty_plan: Measurement,
    apply: Measurement,
    noop: Measurement,
    context: dict[str, Any],
) -> None:
    """Fill in baselines and targets from the counts."""
    resource_count = sum(context["resources"].values())
    for m in (empty_plan, noop):
        m.baseline_calls = m.by_method["GET"]
        m.baseline_seconds = times.serial(m.by_method["GET"], 0)
        m.baseline_note = "its reads, one after another"

    noop.baseline_calls = resource_count
    noop.baseline_seconds = times.serial(resource_count, 0)
    noop.baseline_note = f"one GET per live resource compared ({resource_count})"
    nested, account = per_service_reads(noop.by_route)
    read_budget = READS_PER_SERVICE_TARGET * settings.services + HANDFUL
    reads_ok = noop.by_method["GET"] <= read_budget
    fast_ok = noop.speedup >= PLAN_SPEEDUP_TARGET
    writes_ok = noop.by_method["POST"] == 0 and noop.by_method["DELETE"] == 0
    noop.target = (
        f"<= {READS_PER_SERVICE_TARGET}/service + {HANDFUL} reads ({read_budget}), "
        f">= {PLAN_SPEEDUP_TARGET:g}x"
    )
    noop.met = reads_ok and writes_ok and (fast_ok or settings.quick)
    noop.speedup_waived = not fast_ok
    noop.notes.append(
        f"reads per service: {nested / settings.services:.2f} "
        f"({nested} GETs under /v1/Services/{{Sid}}/..., "
        f"plus {account} account-level GETs)"
    )

    writes = apply.by_method["POST"] + apply.by_method["DELETE"]
    apply.baseline_calls = apply.calls
    apply.baseline_seconds = times.serial(apply.by_method["GET"], writes)
    apply.baseline_note = "the same calls, one after another"
    apply.target = f">= {APPLY_SPEEDUP_TARGET:g}x"
    apply_fast = apply.speedup >= APPLY_SPEEDUP_TARGET
    apply.met = apply_fast or settings.quick
    apply.speedup_waived = not apply_fast


def _serial_apply(
    loaded: LoadedConfig, connection: ConnectionSettings, settings: Settings, plan: Plan
) -> float:
    """Check the computed apply baseline: the same apply at concurrency 1, in a fresh account."""
    with EmulatorServer(host="127.0.0.1", port=0, latency_ms=settings.latency_ms) as emulator:
        api = LiveApi(build_client(connection, emulator.url), concurrency=1)
        serial_plan, live = plan_account(loaded, api)
        if serial_plan.summary != plan.summary:
            raise RuntimeError("the serial run planned different changes")
        started = time.perf_counter()
        report = Executor(api, live).run(serial_plan)
        seconds = time.perf_counter() - started
        if not report.succeeded:
            raise RuntimeError(f"serial apply did not converge: {report.summary_line()}")
    return seconds


# ---------------------------------------------------------------------------- the report


def _calls_cell(m: Measurement) -> str:
    parts = "/".join(str(m.by_method[method]) for method in METHODS)
    return f"{m.calls} ({parts})"


def _met_cell(m: Measurement) -> str:
    if m.met is None:
        return "-"
    if m.met and m.speedup_waived:
        return "speed-up not enforced (--quick)"
    return "yes" if m.met else "**NO**"


def render(settings: Settings, measurements: list[Measurement], context: dict[str, Any]) -> str:
    """The Markdown report: setup, the table, and the numbers behind it."""
    times: CallTimes = context["call_times"]
    lines = [
        f"Account: {settings.services} services x {settings.roles} roles, "
        f"{settings.addresses} address configurations; emulator latency "
        f"{settings.latency_ms} ms per request; engine concurrency {settings.concurrency}.",
        f"Machine: {platform.system()} {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}.",
        f"Serial per-call time (mean of {times.samples} serial requests through the same "
        f"client): GET {times.read * 1000:.1f} ms, POST {times.write * 1000:.1f} ms.",
        "",
        "| operation | API calls (GET/POST/DELETE) | wall time | serial baseline "
        "| speed-up | target | met? |",
        "|---|---:|---:|---|---:|---|---|",
    ]
    for m in measurements:
        baseline = f"{m.baseline_seconds:.2f} s: {m.baseline_note}"
        lines.append(
            f"| {m.name} | {_calls_cell(m)} | {m.seconds:.2f} s | {baseline} "
            f"| {m.speedup:.1f}x | {m.target or '-'} | {_met_cell(m)} |"
        )
    lines.append("")
    for m in measurements:
        for note in m.notes:
            lines.append(f"- {m.name}: {note}")
    resources = ", ".join(f"{kind} {count}" for kind, count in context["resources"].items())
    lines.append(f"- live resources compared by the no-change plan: {resources}")
    lines.append(f"- plan from empty: {json.dumps(context['plan_summary'])}")
    lines.append(f"- apply: {context['apply_report']}")
    if context["guards"]:
        lines.append(f"- guards on the plan from empty: {'; '.join(context['guards'])}")
    if "serial_apply_seconds" in context:
        apply = measurements[1]
        serial = context["serial_apply_seconds"]
        lines.append(
            f"- check: the same apply at concurrency 1 took {serial:.2f} s "
            f"(computed baseline {apply.baseline_seconds:.2f} s); "
            f"speed-up against it {serial / apply.seconds:.1f}x"
        )
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> Settings:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--services", type=int, default=40)
    parser.add_argument("--roles", type=int, default=12, help="custom roles per service")
    parser.add_argument("--addresses", type=int, default=400)
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY)
    parser.add_argument(
        "--samples", type=int, default=20, help="serial requests timed for the per-call baseline"
    )
    parser.add_argument(
        "--verify-serial",
        action="store_true",
        help="also run the apply at concurrency 1 to check the computed baseline (slow)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 4 services x 3 roles, 30 addresses"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.services, args.roles, args.addresses = 4, 3, 30
        args.latency_ms, args.samples = min(args.latency_ms, 20), min(args.samples, 5)
    if args.services < 1 or args.roles < 0 or args.addresses < 0:
        parser.error("--services must be at least 1; --roles and --addresses not negative")
    if args.addresses > 10_000_000:
        parser.error("--addresses: at most 10,000,000 distinct +1555 numbers")
    return Settings(
        services=args.services,
        roles=args.roles,
        addresses=args.addresses,
        latency_ms=args.latency_ms,
        concurrency=args.concurrency,
        samples=args.samples,
        verify_serial=args.verify_serial,
        quick=args.quick,
    )


def main(argv: list[str] | None = None) -> int:
    settings = parse_args(argv)
    try:
        measurements, context = run(settings)
    except Exception as error:
        print(f"benchmark failed: {type(error).__name__}: {error}", file=sys.stderr)
        return 2
    print(render(settings, measurements, context))
    missed = [m.name for m in measurements if m.met is False]
    if missed:
        print(f"\nTarget missed: {', '.join(missed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
