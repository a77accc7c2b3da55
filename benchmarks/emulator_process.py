"""The emulator in a process of its own, for the benchmark: the client's CPU and memory are then
the client's alone, and the emulator's own CPU can be reported beside them.

Started by run.py; prints its URL on the first line of stdout, then answers one line of JSON
for each command read from stdin:

    latency MS    every API request sleeps MS milliseconds from now on
    usage         this process's CPU seconds and peak RSS so far
    save PATH     write the account to PATH, as the emulator's own state file
    quit          stop the server and exit

`--state PATH` starts from such a file: a large account is built once (the engine's apply
takes a while) and measured in many runs.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from reconciler.emulator.persistence import save_state  # noqa: E402
from reconciler.emulator.server import EmulatorServer  # noqa: E402


def usage() -> dict[str, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return {"cpu": own.ru_utime + own.ru_stime, "rss_mb": own.ru_maxrss / 1024}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument(
        "--aps-limit", type=int, default=None, help="role writes per second per service"
    )
    parser.add_argument("--state", type=Path, default=None, help="start from this state file")
    args = parser.parse_args(argv)
    options: dict[str, Any] = {} if args.aps_limit is None else {"aps_limit": args.aps_limit}
    server = EmulatorServer(
        host="127.0.0.1", port=0, latency_ms=args.latency_ms, state_path=args.state, **options
    )
    server.start()
    try:
        print(server.url, flush=True)
        for line in sys.stdin:
            command, _, value = line.strip().partition(" ")
            if command == "latency":
                server.configure_faults(latency_ms=int(value))
            elif command == "save":
                # The state the server itself would persist (with --state it persists writes).
                try:
                    save_state(Path(value), server.app.directory.to_dict())
                except Exception as error:  # an emulator without this state: just no cache
                    print(json.dumps({"error": f"{type(error).__name__}: {error}"}), flush=True)
                    continue
            elif command == "quit":
                break
            elif command != "usage":
                print(json.dumps({"error": f"unknown command {command!r}"}), flush=True)
                continue
            print(json.dumps(usage()), flush=True)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
