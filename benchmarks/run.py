"""Benchmark: requests, wall time, client CPU and peak RSS of a no-change plan, against the
emulator running in a process of its own, for three generated accounts; and the plan's
round-trip floor.

    .venv/bin/python benchmarks/run.py                    # all three accounts (~15 minutes)
    .venv/bin/python benchmarks/run.py --accounts benchmark --repeat 5
    .venv/bin/python benchmarks/run.py --quick            # smoke run (seconds)
    .venv/bin/python benchmarks/run.py --update-readme    # also rewrite benchmarks/README.md

Each account is built by the engine's own apply, then planned again and again: at 0 ms of
emulator latency (the client's CPU is all there is to measure), and at `--latency-ms` (the
wall time against the round-trip floor). Every sample runs in a fresh client process
(benchmarks/worker.py), so its CPU and peak RSS are its own; the best of `--repeat` samples
is reported, because the machine is shared and noise only ever adds. Prints Markdown and
exits 1 when a target is missed (2 when the run itself goes wrong).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.accounts import Shape, write_config  # noqa: E402
from reconciler.emulator import accounts as accounts_state  # noqa: E402
from reconciler.emulator import defaults  # noqa: E402
from reconciler.emulator import models as conversations_state  # noqa: E402

HERE = Path(__file__).resolve().parent
README = HERE / "README.md"
RESULTS_START, RESULTS_END = "<!-- results:start -->", "<!-- results:end -->"

ACCOUNTS: dict[str, Shape] = {
    "benchmark": Shape(services=40, roles=12, addresses=400),
    "10x": Shape(services=400, roles=12, addresses=4000),
    "50k": Shape(services=400, roles=120, addresses=400),
}
QUICK = Shape(services=4, roles=3, addresses=30)

# Targets of issue 11 (CPU is client CPU beyond start-up, at 0 ms of latency).
NO_CHANGE_CPU_SECONDS = 0.4
LARGE_CPU_SECONDS = 10.0
LARGE_RSS_MB = 250.0
GROWTH_LIMIT = 5.5
FLOOR_RATIO = 1.5
READS_PER_SERVICE = 4
APPLY_FLOOR_RATIO = 1.3
APPLY_WRITES = 1_042
APPLY_CHAIN = 5
APPLY_CHAIN_NAME = (
    "services list, service create, its twin check, role create, the service configuration "
    "naming it"
)
"""The longest chain of dependent requests in an apply from empty: a role is created once its
service exists and is known to be the only one of its name; the configuration naming it as a
default role after it."""
BUILT_IN_ROLES, ROLE_PAGE = 4, 50
HANDFUL = 10
"""'A handful' of account-level reads allowed on top of 4 per service."""

SERVICE_ROUTES = "GET /v1/Services/{Sid}/"
PAGED_ACCOUNT_ROUTES = (
    "GET /v1/Configuration/Addresses",
    "GET /v1/Credentials",
    "GET /v1/Configuration",
    "GET /v1/Configuration/Webhooks",
)


# ------------------------------------------------------------------------ the floor


@dataclass(frozen=True)
class Floor:
    """The fewest round trips a set of reads can take at a concurrency.

    No schedule beats either bound: `concurrency` requests are in flight at most, so the
    reads take at least total / concurrency rounds; and pages of one list follow one
    another, as a service's reads follow the services list, so the longest such chain is a
    round each.
    """

    total: int
    concurrency: int
    chain: int
    chain_name: str
    unit: str = "GETs"

    @property
    def parallel(self) -> int:
        return math.ceil(self.total / self.concurrency)

    @property
    def rounds(self) -> int:
        return max(self.parallel, self.chain)

    def describe(self) -> str:
        return (
            f"{self.rounds} round trips: max({self.total} {self.unit} / {self.concurrency} = "
            f"{self.parallel}, longest chain {self.chain}: {self.chain_name})"
        )


def floor_of(by_route: Mapping[str, int], services: int, concurrency: int) -> Floor:
    """The floor of the reads a plan made (by "METHOD route"), for `services` managed ones."""
    gets = {route: count for route, count in by_route.items() if route.startswith("GET ")}
    chains = [(gets.get(route, 0), f"{route[4:]} pages") for route in PAGED_ACCOUNT_ROUTES]
    services_pages = gets.get("GET /v1/Services", 0)
    nested = [
        (math.ceil(count / services), route[len(SERVICE_ROUTES) :])
        for route, count in gets.items()
        if route.startswith(SERVICE_ROUTES) and services
    ]
    if nested:
        pages, name = max(nested)
        chains.append((services_pages + pages, f"services list, then {pages} {name} page(s)"))
    chains.append((services_pages, "services list"))
    chain, name = max(chains)
    return Floor(total=sum(gets.values()), concurrency=concurrency, chain=chain, chain_name=name)


# ------------------------------------------------------------------------ processes


class Emulator:
    """benchmarks/emulator_process.py, driven over its stdin."""

    def __init__(self, aps_limit: int | None, state: Path | None = None) -> None:
        command = [sys.executable, str(HERE / "emulator_process.py")]
        if aps_limit is not None:
            command += ["--aps-limit", str(aps_limit)]
        if state is not None:
            command += ["--state", str(state)]
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT
        )
        self.url = self._line()

    def _line(self) -> str:
        stdout: IO[str] | None = self.process.stdout
        line = stdout.readline() if stdout else ""
        if not line:
            raise RuntimeError("the emulator process exited")
        return line.strip()

    def command(self, text: str) -> dict[str, Any]:
        stdin = self.process.stdin
        assert stdin is not None
        stdin.write(text + "\n")
        stdin.flush()
        answer: dict[str, Any] = json.loads(self._line())
        return answer

    def latency(self, milliseconds: int) -> None:
        self.command(f"latency {milliseconds}")

    def cpu(self) -> float:
        return float(self.command("usage")["cpu"])

    def close(self) -> None:
        if self.process.poll() is None:
            with suppress(OSError, RuntimeError, ValueError):
                self.command("quit")
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextmanager
def emulator(aps_limit: int | None, state: Path | None = None) -> Iterator[Emulator]:
    running = Emulator(aps_limit, state)
    try:
        yield running
    finally:
        running.close()


@dataclass
class Sample:
    """One client process's run (see worker.py), with the emulator's CPU meanwhile."""

    wall: float
    cpu: float
    startup_cpu: float
    load_cpu: float
    rss_mb: float
    by_method: dict[str, int]
    by_route: dict[str, int]
    resources: int
    emulator_cpu: float
    rtt: float | None = None
    summary: dict[str, int] = field(default_factory=dict)
    report: str = ""

    @property
    def gets(self) -> int:
        return self.by_method.get("GET", 0)

    @property
    def writes(self) -> int:
        return self.by_method.get("POST", 0) + self.by_method.get("DELETE", 0)


def run_worker(
    emu: Emulator, operation: str, config: Path, concurrency: int, rtt_samples: int = 0
) -> Sample:
    command = [
        sys.executable,
        str(HERE / "worker.py"),
        operation,
        str(config),
        emu.url,
        "--concurrency",
        str(concurrency),
        "--rtt-samples",
        str(rtt_samples),
    ]
    emulator_before = emu.cpu()
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    emulator_cpu = emu.cpu() - emulator_before
    if done.returncode != 0:
        raise RuntimeError(f"worker {operation} failed: {done.stderr.strip()[-2000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if operation == "apply" and not result.get("succeeded"):
        raise RuntimeError(f"the apply did not converge: {result.get('report')}")
    return Sample(
        wall=result["wall"],
        cpu=result["cpu"],
        startup_cpu=result["startup_cpu"],
        load_cpu=result["load_cpu"],
        rss_mb=result["rss_mb"],
        by_method=result["requests"]["by_method"],
        by_route=result["requests"]["by_route"],
        resources=result["resources"],
        emulator_cpu=emulator_cpu,
        rtt=result.get("rtt"),
        summary=result["summary"],
        report=result.get("report", ""),
    )


@dataclass
class CliSample:
    """`reconciler plan` as users run it: the whole process, start-up included."""

    wall: float
    cpu: float
    rss_mb: float
    exit_code: int
    emulator_cpu: float


CLI_PEAK = """
import atexit, os, runpy, sys
def report():
    with open('/proc/self/status') as status, open(os.environ['BENCH_PEAK_FILE'], 'w') as out:
        out.write(next(line.split()[1] for line in status if line.startswith('VmHWM:')))
atexit.register(report)
sys.argv[0] = 'reconciler'
runpy.run_module('reconciler', run_name='__main__', alter_sys=True)
"""
"""`python -m reconciler`, writing its own peak RSS (VmHWM, in kB) to $BENCH_PEAK_FILE at exit:
the `ru_maxrss` that wait4 reports would carry over this harness's own peak (see worker.py)."""


def run_cli(emu: Emulator, *args: str) -> CliSample:
    environment = {
        **os.environ,
        "TWILIO_ACCOUNT_SID": defaults.ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": defaults.AUTH_TOKEN,
        "RECONCILER_ENDPOINT": emu.url,
    }
    peak_file = Path(tempfile.mkstemp(prefix="reconciler-bench-peak-")[1])
    environment["BENCH_PEAK_FILE"] = str(peak_file)
    emulator_before = emu.cpu()
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", CLI_PEAK, *args],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.stderr is not None:
        process.stderr.close()
    return CliSample(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        rss_mb=_peak_kb(peak_file, usage.ru_maxrss) / 1024,
        exit_code=process.returncode,
        emulator_cpu=emu.cpu() - emulator_before,
    )


def _peak_kb(path: Path, fallback: int) -> int:
    """The peak the CLI wrote (where /proc is there to read), else wait4's."""
    try:
        return int(path.read_text(encoding="ascii") or fallback)
    except (OSError, ValueError):
        return fallback
    finally:
        path.unlink(missing_ok=True)


# ------------------------------------------------------------------------ the run


@dataclass
class Settings:
    accounts: list[str]
    latency_ms: int
    concurrency: int
    repeat: int
    rtt_samples: int
    cli: bool
    aps_limit: int | None
    cache: Path | None
    """Built accounts are kept here (emulator state files) and reused by later runs."""
    quick: bool = False


@dataclass
class AccountRun:
    """Everything measured on one account."""

    name: str
    shape: Shape
    concurrency: int
    build: Sample | None = None
    build_latency_ms: int = 0
    build_cached: bool = False
    idle: list[Sample] = field(default_factory=list)
    """No-change plans at 0 ms of latency."""
    latent: list[Sample] = field(default_factory=list)
    """No-change plans at the benchmark's latency."""
    applies: list[Sample] = field(default_factory=list)
    """Applies from empty at the benchmark's latency (the benchmark account), each into a
    fresh emulator."""
    cli: list[CliSample] = field(default_factory=list)
    cli_error: str = ""

    def best(self, samples: list[Sample], attribute: str) -> float:
        return min(float(getattr(sample, attribute)) for sample in samples)

    @property
    def resources(self) -> int:
        return self.idle[0].resources

    @property
    def floor(self) -> Floor:
        sample = self.latent[0]
        return floor_of(sample.by_route, self.shape.services, self.concurrency)

    @property
    def rtt(self) -> float:
        return min(sample.rtt or 0.0 for sample in self.latent)

    @property
    def floor_seconds(self) -> float:
        return self.floor.rounds * self.rtt

    @property
    def floor_ratio(self) -> float:
        return self.best(self.latent, "wall") / self.floor_seconds

    @property
    def apply_floor(self) -> Floor:
        """Every request an apply from empty makes, writes and reads, at the concurrency."""
        fastest = min(self.applies, key=lambda sample: sample.wall)
        requests = sum(fastest.by_method.values())
        return Floor(requests, self.concurrency, APPLY_CHAIN, APPLY_CHAIN_NAME, "requests")

    @property
    def apply_floor_seconds(self) -> float:
        return self.apply_floor.rounds * min(sample.rtt or 0.0 for sample in self.applies)

    @property
    def apply_floor_ratio(self) -> float:
        return self.best(self.applies, "wall") / self.apply_floor_seconds


def measure(name: str, shape: Shape, settings: Settings, folder: Path) -> AccountRun:
    """Build the account (or take it from the cache), then sample no-change plans at 0 ms and
    at the latency."""
    run = AccountRun(name=name, shape=shape, concurrency=settings.concurrency)
    config = write_config(shape, folder)
    # The benchmark account is built at the benchmark's latency, as it always was (the apply's
    # time is reported for reference); the larger ones at 0 ms, only to have them.
    run.build_latency_ms = settings.latency_ms if name in ("benchmark", "quick") else 0
    cached = cache_paths(settings, name, config, run.build_latency_ms)
    progress(f"{name}: {shape.label}")
    if cached and cached[0].exists() and cached[1].exists():
        run.build = Sample(**json.loads(cached[1].read_text(encoding="utf-8")))
        run.build_cached = True
        progress(f"  built earlier: {cached[0]}")
    with emulator(settings.aps_limit, cached[0] if run.build_cached and cached else None) as emu:
        if not run.build_cached:
            emu.latency(run.build_latency_ms)
            run.build = run_worker(emu, "apply", config, settings.concurrency)
            progress(f"  built: {run.build.report} in {run.build.wall:.1f} s")
            if cached:
                save_build(emu, run.build, *cached)

        emu.latency(0)
        for _ in range(settings.repeat):
            run.idle.append(no_change(run_worker(emu, "plan", config, settings.concurrency)))
        progress(f"  plan at 0 ms: best wall {run.best(run.idle, 'wall'):.2f} s")
        if settings.cli:
            for _ in range(settings.repeat):
                whole = run_cli(emu, "plan", str(config), "--detailed-exitcode")
                if whole.exit_code != 0:
                    run.cli_error = f"`reconciler plan` exited {whole.exit_code}"
                    break
                run.cli.append(whole)

        emu.latency(settings.latency_ms)
        for _ in range(settings.repeat):
            sample = run_worker(
                emu, "plan", config, settings.concurrency, rtt_samples=settings.rtt_samples
            )
            run.latent.append(no_change(sample))
        progress(f"  plan at {settings.latency_ms} ms: best {run.best(run.latent, 'wall'):.2f} s")
    if name in ("benchmark", "quick"):
        for _ in range(settings.repeat):
            with emulator(settings.aps_limit) as empty:
                empty.latency(settings.latency_ms)
                run.applies.append(
                    run_worker(empty, "apply", config, settings.concurrency, settings.rtt_samples)
                )
        progress(f"  apply from empty: best {run.best(run.applies, 'wall'):.2f} s")
    return run


def cache_paths(
    settings: Settings, name: str, config: Path, latency_ms: int
) -> tuple[Path, Path] | None:
    """(state file, build sample) for this account, config and emulator; None: no cache.

    Keyed by the config's text and the emulator's state format, so a changed generator or
    state file builds afresh; a change to the emulator's behaviour that should rebuild the
    accounts takes `--rebuild` (building the 50k account takes the better part of an hour, so
    a refactor of the emulator's HTTP layer should not).
    """
    if settings.cache is None:
        return None
    digest = hashlib.sha256(config.read_bytes())
    formats = f"{accounts_state.STATE_VERSION} {conversations_state.STATE_VERSION}"
    digest.update(f"{formats} {latency_ms} {settings.concurrency}".encode())
    stem = settings.cache / f"{name}-{digest.hexdigest()[:16]}"
    return stem.with_suffix(".state.json"), stem.with_suffix(".build.json")


def save_build(emu: Emulator, build: Sample, state: Path, sample: Path) -> None:
    state.parent.mkdir(parents=True, exist_ok=True)
    answer = emu.command(f"save {state}")
    if "error" in answer:
        progress(f"  not cached: {answer['error']}")
        return
    sample.write_text(json.dumps(asdict(build)), encoding="utf-8")


def no_change(sample: Sample) -> Sample:
    if any(sample.summary.values()) or sample.writes:
        raise RuntimeError(f"the plan after the apply is not empty: {sample.summary}")
    return sample


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ------------------------------------------------------------------------ targets and report


@dataclass
class Target:
    name: str
    measured: str
    met: bool


def targets(runs: dict[str, AccountRun], settings: Settings) -> list[Target]:
    found: list[Target] = []
    for name, run in runs.items():
        # 4 reads a service where its roles fit one page; Twilio pages roles by 50 at most,
        # so each further page of roles is one read more.
        role_pages = math.ceil((run.shape.roles + BUILT_IN_ROLES) / ROLE_PAGE)
        per_service = READS_PER_SERVICE + role_pages - 1
        budget = per_service * run.shape.services + HANDFUL
        gets = max(sample.gets for sample in run.idle)
        extra = f" ({role_pages} pages of roles)" if role_pages > 1 else ""
        found.append(
            Target(
                f"{name}: no-change plan reads <= {per_service}/service{extra} + {HANDFUL}",
                f"{gets} GETs (budget {budget})",
                gets <= budget,
            )
        )
    bench = runs.get("benchmark") or runs.get("quick")
    if bench:
        cpu = bench.best(bench.idle, "cpu")
        found.append(
            Target(
                f"{bench.name}: no-change plan client CPU beyond start-up "
                f"< {NO_CHANGE_CPU_SECONDS} s (0 ms)",
                f"{cpu:.2f} s",
                cpu < NO_CHANGE_CPU_SECONDS,
            )
        )
        if bench.applies:
            writes = max(sample.writes for sample in bench.applies)
            found.append(
                Target(
                    f"{bench.name}: apply from empty makes at most {APPLY_WRITES:,} writes",
                    f"{writes:,} writes",
                    writes <= APPLY_WRITES,
                )
            )
            found.append(
                Target(
                    f"{bench.name}: apply from empty within {APPLY_FLOOR_RATIO}x of its "
                    f"round-trip floor ({settings.latency_ms} ms)",
                    f"{bench.best(bench.applies, 'wall'):.2f} s / "
                    f"{bench.apply_floor_seconds:.2f} s = {bench.apply_floor_ratio:.2f}x",
                    bench.apply_floor_ratio <= APPLY_FLOOR_RATIO,
                )
            )
        ratio = bench.floor_ratio
        found.append(
            Target(
                f"{bench.name}: no-change plan within {FLOOR_RATIO}x of its round-trip floor "
                f"({settings.latency_ms} ms)",
                f"{bench.best(bench.latent, 'wall'):.2f} s / {bench.floor_seconds:.2f} s "
                f"= {ratio:.2f}x",
                ratio <= FLOOR_RATIO,
            )
        )
    large = runs.get("50k")
    if large:
        cpu = large.best(large.idle, "cpu")
        rss = max(sample.rss_mb for sample in large.idle + large.latent)
        found.append(
            Target(
                f"50k: client CPU beyond start-up < {LARGE_CPU_SECONDS:g} s (0 ms)",
                f"{cpu:.2f} s",
                cpu < LARGE_CPU_SECONDS,
            )
        )
        found.append(
            Target(f"50k: peak RSS < {LARGE_RSS_MB:g} MB", f"{rss:.0f} MB", rss < LARGE_RSS_MB)
        )
        ten = runs.get("10x")
        if ten:
            growth = cpu / ten.best(ten.idle, "cpu")
            size = large.resources / ten.resources
            found.append(
                Target(
                    f"CPU growth 10x -> 50k <= {GROWTH_LIMIT}x",
                    f"{growth:.2f}x for {size:.2f}x the resources",
                    growth <= GROWTH_LIMIT,
                )
            )
    return found


def render(runs: dict[str, AccountRun], settings: Settings, found: list[Target]) -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    latency = settings.latency_ms
    lines = [
        f"Machine: {platform.system()} {platform.machine()}, {os.cpu_count()} cores (shared), "
        f"Python {platform.python_version()}; load average {load:.1f} at the end of the run.",
        f"Engine concurrency {settings.concurrency}; emulator in its own process; best of "
        f"{settings.repeat} samples, each in a fresh client process. CPU is user + system of "
        "the client process (all threads) from loading the config to the finished plan, "
        "beyond start-up (interpreter and imports, shown apart). Peak RSS is the client "
        "process's own (VmHWM), the highest of every sample (0 ms and latent).",
        "",
        "| account | resources | GETs (per service + account) | wall, 0 ms | client CPU "
        "(load + read and diff) | start-up CPU | peak RSS | emulator CPU, 0 ms "
        f"| wall, {latency} ms | floor, {latency} ms | wall / floor |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs.values():
        idle = min(run.idle, key=lambda sample: sample.wall)
        nested = sum(n for route, n in idle.by_route.items() if route.startswith(SERVICE_ROUTES))
        cpu = run.best(run.idle, "cpu")
        load_cpu = run.best(run.idle, "load_cpu")
        lines.append(
            f"| {run.name}: {run.shape.label} | {run.resources:,} "
            f"| {idle.gets} ({nested} + {idle.gets - nested}) "
            f"| {run.best(run.idle, 'wall'):.2f} s "
            f"| {cpu:.2f} s ({load_cpu:.2f} + {cpu - load_cpu:.2f}) "
            f"| {run.best(run.idle, 'startup_cpu'):.2f} s "
            f"| {max(sample.rss_mb for sample in run.idle + run.latent):.0f} MB "
            f"| {idle.emulator_cpu:.2f} s "
            f"| {run.best(run.latent, 'wall'):.2f} s "
            f"| {run.floor_seconds:.2f} s ({run.floor.rounds} x {run.rtt * 1000:.0f} ms) "
            f"| {run.floor_ratio:.2f}x |"
        )
    lines += ["", "Samples at 0 ms (client CPU beyond start-up; peak RSS):"]
    for run in runs.values():
        cpus = ", ".join(f"{sample.cpu:.2f}" for sample in run.idle)
        rss = ", ".join(f"{sample.rss_mb:.0f}" for sample in run.idle)
        lines.append(f"- {run.name}: CPU {cpus} s; RSS {rss} MB")
    lines += ["", "Floors:"]
    for run in runs.values():
        lines.append(f"- {run.name}: {run.floor.describe()}")
    cli_runs = [run for run in runs.values() if run.cli or run.cli_error]
    if cli_runs:
        lines += [
            "",
            "`reconciler plan CONFIG --detailed-exitcode` as a whole process (start-up "
            "included), at 0 ms:",
            "",
            "| account | wall | CPU | peak RSS | emulator CPU |",
            "|---|---:|---:|---:|---:|",
        ]
        for run in cli_runs:
            if run.cli_error:
                lines.append(f"| {run.name} | {run.cli_error} | | | |")
                continue
            best = min(run.cli, key=lambda sample: sample.wall)
            lines.append(
                f"| {run.name} | {best.wall:.2f} s | {min(s.cpu for s in run.cli):.2f} s "
                f"| {max(s.rss_mb for s in run.cli):.0f} MB | {best.emulator_cpu:.2f} s |"
            )
    lines += [
        "",
        "Building each account (the engine's apply from empty, one sample):",
        "",
        "| account | requests (GET/POST/DELETE) | latency | wall | client CPU | emulator CPU |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for run in runs.values():
        build = run.build
        if build is None:
            continue
        methods = "/".join(str(build.by_method.get(m, 0)) for m in ("GET", "POST", "DELETE"))
        cached = " (an earlier run's)" if run.build_cached else ""
        lines.append(
            f"| {run.name}{cached} | {sum(build.by_method.values())} ({methods}) "
            f"| {run.build_latency_ms} ms | {build.wall:.1f} s | {build.cpu:.1f} s "
            f"| {build.emulator_cpu:.1f} s |"
        )
    applied = [run for run in runs.values() if run.applies]
    if applied:
        lines += [
            "",
            f"Apply from empty at {latency} ms (best of {settings.repeat}, each into a fresh "
            "emulator):",
            "",
            "| account | requests (GET/POST/DELETE) | wall | client CPU | floor | wall / floor |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for run in applied:
            fastest = min(run.applies, key=lambda sample: sample.wall)
            methods = "/".join(str(fastest.by_method.get(m, 0)) for m in ("GET", "POST", "DELETE"))
            lines.append(
                f"| {run.name} | {sum(fastest.by_method.values())} ({methods}) "
                f"| {fastest.wall:.2f} s | {run.best(run.applies, 'cpu'):.2f} s "
                f"| {run.apply_floor_seconds:.2f} s ({run.apply_floor.describe()}) "
                f"| {run.apply_floor_ratio:.2f}x |"
            )
    lines += ["", "| target | measured | met? |", "|---|---|---|"]
    for target in found:
        lines.append(f"| {target.name} | {target.measured} | {'yes' if target.met else '**NO**'} |")
    return "\n".join(lines)


def update_readme(text: str) -> None:
    readme = README.read_text(encoding="utf-8")
    start, end = readme.index(RESULTS_START), readme.index(RESULTS_END)
    README.write_text(
        readme[: start + len(RESULTS_START)] + "\n" + text + "\n" + readme[end:], encoding="utf-8"
    )


def parse_args(argv: list[str] | None) -> tuple[Settings, bool]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--accounts",
        default=",".join(ACCOUNTS),
        help=f"comma-separated, of {', '.join(ACCOUNTS)} (default: all)",
    )
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3, help="samples of each measurement")
    parser.add_argument("--rtt-samples", type=int, default=10)
    parser.add_argument("--no-cli", action="store_true", help="skip `reconciler plan` runs")
    parser.add_argument(
        "--aps-limit",
        type=int,
        default=None,
        help="the emulator's role writes per second per service (default: Twilio's)",
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(tempfile.gettempdir()) / "reconciler-bench-cache",
        help="where built accounts are kept for later runs (default: %(default)s)",
    )
    parser.add_argument("--rebuild", action="store_true", help="build every account afresh")
    parser.add_argument("--quick", action="store_true", help="smoke run: 4 x 3, 30 addresses")
    parser.add_argument(
        "--update-readme", action="store_true", help="write the results into benchmarks/README.md"
    )
    args = parser.parse_args(argv)
    names = [name.strip() for name in args.accounts.split(",") if name.strip()]
    unknown = [name for name in names if name not in ACCOUNTS]
    if unknown and not args.quick:
        parser.error(f"unknown account(s): {', '.join(unknown)}")
    if args.quick:
        names = ["quick"]
        args.repeat = min(args.repeat, 2)
        args.latency_ms = min(args.latency_ms, 20)
        args.rtt_samples = min(args.rtt_samples, 3)
    settings = Settings(
        accounts=names,
        latency_ms=args.latency_ms,
        concurrency=args.concurrency,
        repeat=max(1, args.repeat),
        rtt_samples=max(1, args.rtt_samples),
        cli=not args.no_cli,
        aps_limit=args.aps_limit,
        cache=None if args.rebuild or args.quick else args.cache,
        quick=args.quick,
    )
    return settings, args.update_readme


def main(argv: list[str] | None = None) -> int:
    settings, write_readme = parse_args(argv)
    runs: dict[str, AccountRun] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="reconciler-bench-") as tmp:
            for name in settings.accounts:
                shape = QUICK if name == "quick" else ACCOUNTS[name]
                folder = Path(tmp) / name
                folder.mkdir()
                runs[name] = measure(name, shape, settings, folder)
    except Exception as error:
        print(f"benchmark failed: {type(error).__name__}: {error}", file=sys.stderr)
        return 2
    found = targets(runs, settings)
    if settings.quick:  # too small for CPU or floor targets to mean anything
        found = [target for target in found if "reads" in target.name]
    text = render(runs, settings, found)
    print(text)
    if write_readme:
        update_readme(text)
    missed = [target.name for target in found if not target.met]
    if missed:
        print(f"\nTarget missed: {'; '.join(missed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
