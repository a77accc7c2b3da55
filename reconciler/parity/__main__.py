"""`python -m reconciler.parity check|record|published|coverage` (docs/parity.md).

Exit codes: 0 when the run did what it was asked, 1 for a difference from the snapshots, a
refused target, a leak or any other error (as every reconciler command: never 2); 130 for
Ctrl-C and 143 for SIGTERM, each after the run's cleanup.

SIGTERM (what GitHub Actions sends a cancelled or timed-out job, after SIGINT) ends `check`
and `record` as Ctrl-C does, by an exception, so every `finally` runs: the scenario in progress
puts the account-wide settings back and removes what the run made. After the first SIGINT or
SIGTERM, a SIGTERM is ignored, so that the cleanup can finish (a second Ctrl-C still stops it,
and SIGKILL always does: the next run puts the settings back, see account_wide.py).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from reconciler.parity import coverage, runner, snapshots
from reconciler.parity.compare import ParityFailure
from reconciler.parity.snapshots import SecretLeak
from reconciler.parity.target import TARGETS, TargetRefused
from reconciler.usage import ERROR_EXIT_CODE, ArgumentParser


def _parser() -> ArgumentParser:
    parser = ArgumentParser(prog="python -m reconciler.parity", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("check", "run the scenarios and compare them with the snapshots"),
        ("record", "run the scenarios and write their answers as snapshots"),
    ):
        command = commands.add_parser(name, help=text)
        command.add_argument("--target", choices=TARGETS, default="emulator")
        command.add_argument("--endpoint", help="base URL for --target endpoint")
        command.add_argument("--snapshots", type=Path, default=snapshots.SNAPSHOT_DIR)
        command.add_argument("--scenario", action="append", help="only this scenario (repeat)")
    published = commands.add_parser(
        "published", help="write snapshots from Twilio's published examples and error list"
    )
    published.add_argument("--snapshots", type=Path, default=snapshots.SNAPSHOT_DIR)
    published.add_argument("--scenario", action="append")
    table = commands.add_parser("coverage", help="regenerate docs/parity.md's coverage table")
    table.add_argument("--check", action="store_true", help="exit 1 if the table is stale")
    return parser


class Terminated(SystemExit):
    """SIGTERM, raised in the run so that its cleanup runs."""


@contextmanager
def _ended_by_signals() -> Iterator[None]:
    """SIGTERM raises Terminated; after the first SIGINT or SIGTERM, SIGTERM is ignored."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signals reach the main thread only: nothing to install
        return
    interrupted = False

    def on_term(signum: int, frame: FrameType | None) -> None:
        nonlocal interrupted
        if not interrupted:
            interrupted = True
            raise Terminated(TERMINATED_EXIT_CODE)

    def on_int(signum: int, frame: FrameType | None) -> None:
        nonlocal interrupted
        interrupted = True
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_term), signal.signal(signal.SIGINT, on_int)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous[0])
        signal.signal(signal.SIGINT, previous[1])


TERMINATED_EXIT_CODE = 128 + signal.SIGTERM
INTERRUPTED_EXIT_CODE = 128 + signal.SIGINT


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command in ("check", "record"):
            with _ended_by_signals():
                return _run(args)
        return _offline(args)
    except (ParityFailure, TargetRefused, SecretLeak, FileNotFoundError, KeyError) as error:
        print(f"parity: {error}", file=sys.stderr)
        return ERROR_EXIT_CODE
    except (Terminated, KeyboardInterrupt) as stopped:
        terminated = isinstance(stopped, Terminated)
        how = "by SIGTERM" if terminated else "by Ctrl-C"
        print(f"parity: stopped {how}, after the run's cleanup", file=sys.stderr)
        return TERMINATED_EXIT_CODE if terminated else INTERRUPTED_EXIT_CODE


def _run(args: argparse.Namespace) -> int:
    """`check` or `record`: a run against a target."""
    if args.command == "check":
        report = runner.check(args.target, args.scenario, args.snapshots, args.endpoint)
        _notes(report.restored + report.not_run)
        for item in report.declared:
            reason = item.declared.reason if item.declared else ""
            print(f"declared: {item.scenario}, {item.step!r} {item.path}: {reason}")
        for note in report.unrecorded:
            print(f"unrecorded: {note}")
        partly = f" ({len(report.unrecorded)} up to a cut)" if report.unrecorded else ""
        print(f"parity: {len(report.checked)} scenario(s) match their snapshots{partly}")
    else:
        recording = runner.record(args.target, args.scenario, args.snapshots, args.endpoint)
        _notes(recording.restored + recording.not_run + recording.cut_short)
        print(f"parity: {len(recording.written)} snapshot(s) written to {args.snapshots}")
    return 0


def _offline(args: argparse.Namespace) -> int:
    """`published` or `coverage`: made from the vendored material and an in-process emulator."""
    if args.command == "published":
        written = runner.make_published(args.scenario, args.snapshots)
        print(f"parity: {len(written)} published snapshot(s) written to {args.snapshots}")
        return 0
    fresh = coverage.render_document()
    if args.check:
        if coverage.DOC.read_text(encoding="utf-8") != fresh:
            print(f"{coverage.DOC} is stale: python -m reconciler.parity coverage")
            return ERROR_EXIT_CODE
        return 0
    coverage.DOC.write_text(fresh, encoding="utf-8")
    print(f"parity: {coverage.DOC} regenerated")
    return 0


def _notes(lines: list[str]) -> None:
    """Settings put back, scenarios left out or cut short: each on a line of stderr."""
    for line in lines:
        print(f"parity: {line}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
