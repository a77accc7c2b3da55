"""One measured client operation in a fresh process: its CPU, wall time, peak RSS and requests.

Started by run.py, once per sample, so that every sample pays the same start-up and its peak
RSS is its own. Prints one line of JSON:

    python benchmarks/worker.py plan  CONFIG ENDPOINT [--concurrency N] [--rtt-samples N]
    python benchmarks/worker.py apply CONFIG ENDPOINT [--concurrency N]

`plan` is what `reconciler plan` does without the rendering: load the config, read the
account, diff. `apply` plans from the account as it is and executes the plan. Requests are
the emulator's own counts (its /__emulator/stats, read before and after). After a plan, the
worker times `--rtt-samples` serial GETs through the same client: the round trip the floor
is made of.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from reconciler.apply import Executor  # noqa: E402
from reconciler.config import load_config  # noqa: E402
from reconciler.emulator import defaults  # noqa: E402
from reconciler.live.api import DEFAULT_CONCURRENCY, LiveApi  # noqa: E402
from reconciler.live.connection import ConnectionSettings, build_client  # noqa: E402
from reconciler.plan import plan_account  # noqa: E402


def emulator_stats(endpoint: str) -> dict[str, Any]:
    """The emulator's request counters (a control endpoint: neither counted nor delayed)."""
    with urllib.request.urlopen(f"{endpoint}/__emulator/stats", timeout=30) as answer:
        stats: dict[str, Any] = json.load(answer)
    return stats


def counted(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, int]]:
    """Requests made between two stats snapshots, by method and by "METHOD route"."""
    return {
        part: {
            key: int(after[part].get(key, 0)) - int(before[part].get(key, 0))
            for key in after[part]
            if int(after[part].get(key, 0)) != int(before[part].get(key, 0))
        }
        for part in ("by_method", "by_route")
    }


def peak_rss_mb() -> float:
    """This process's own peak resident set: VmHWM, which exec starts afresh. Not
    `getrusage(RUSAGE_SELF).ru_maxrss`: Linux carries the high-water mark of the process that
    forked it over the exec, so a worker started by a harness holding a 230 MB generated
    config would report the harness's peak, not its own."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def round_trip(api: LiveApi, samples: int) -> float:
    """Median wall time of one serial GET through the engine's client."""
    times = []
    for _ in range(samples + 1):
        started = time.perf_counter()
        api.call(lambda v1: v1.configuration().fetch())
        times.append(time.perf_counter() - started)
    return statistics.median(times[1:])  # the first warms the connection


def main(argv: list[str] | None = None) -> int:
    startup_cpu = time.process_time()  # the interpreter and every import above
    parser = argparse.ArgumentParser()
    parser.add_argument("operation", choices=("plan", "apply"))
    parser.add_argument("config")
    parser.add_argument("endpoint")
    parser.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY)
    parser.add_argument("--rtt-samples", type=int, default=0)
    args = parser.parse_args(argv)

    settings = ConnectionSettings(
        account_sid=defaults.ACCOUNT_SID,
        username=defaults.ACCOUNT_SID,
        password=defaults.AUTH_TOKEN,
    )
    before = emulator_stats(args.endpoint)
    cpu_started, wall_started = time.process_time(), time.perf_counter()
    loaded = load_config([args.config], environ={})
    load_cpu, load_wall = time.process_time() - cpu_started, time.perf_counter() - wall_started
    api = LiveApi(build_client(settings, args.endpoint), concurrency=args.concurrency)
    plan, live = plan_account(loaded, api)
    result: dict[str, Any] = {"summary": plan.summary}
    if args.operation == "apply":
        report = Executor(api, live).run(plan)
        result["report"] = report.summary_line()
        result["succeeded"] = report.succeeded
    cpu = time.process_time() - cpu_started
    wall = time.perf_counter() - wall_started
    after = emulator_stats(args.endpoint)

    result.update(
        {
            "startup_cpu": startup_cpu,
            "cpu": cpu,
            "wall": wall,
            "load_cpu": load_cpu,
            "load_wall": load_wall,
            "rss_mb": peak_rss_mb(),
            "resources": sum(len(items) for items in live.resources.values()),
            "requests": counted(before, after),
        }
    )
    if args.rtt_samples:
        result["rtt"] = round_trip(api, args.rtt_samples)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
