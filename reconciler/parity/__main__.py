"""`python -m reconciler.parity check|record|published|coverage` (docs/parity.md).

Exit codes: 0 when the run did what it was asked, 1 for a difference from the snapshots, a
refused target, a leak or any other error (as every reconciler command: never 2).
"""

from __future__ import annotations

import sys
from pathlib import Path

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


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "check":
            report = runner.check(args.target, args.scenario, args.snapshots, args.endpoint)
            _not_run(report.not_run)
            for item in report.declared:
                reason = item.declared.reason if item.declared else ""
                print(f"declared: {item.scenario}, {item.step!r} {item.path}: {reason}")
            for note in report.unrecorded:
                print(f"unrecorded: {note}")
            partly = f" ({len(report.unrecorded)} up to a cut)" if report.unrecorded else ""
            print(f"parity: {len(report.checked)} scenario(s) match their snapshots{partly}")
        elif args.command == "record":
            recording = runner.record(args.target, args.scenario, args.snapshots, args.endpoint)
            _not_run(recording.not_run)
            _not_run(recording.cut_short)
            print(f"parity: {len(recording.written)} snapshot(s) written to {args.snapshots}")
        elif args.command == "published":
            written = runner.make_published(args.scenario, args.snapshots)
            print(f"parity: {len(written)} published snapshot(s) written to {args.snapshots}")
        else:
            fresh = coverage.render_document()
            if args.check:
                if coverage.DOC.read_text(encoding="utf-8") != fresh:
                    print(f"{coverage.DOC} is stale: python -m reconciler.parity coverage")
                    return ERROR_EXIT_CODE
                return 0
            coverage.DOC.write_text(fresh, encoding="utf-8")
            print(f"parity: {coverage.DOC} regenerated")
    except ParityFailure as failure:
        print(f"parity: {failure}", file=sys.stderr)
        return ERROR_EXIT_CODE
    except (TargetRefused, SecretLeak, FileNotFoundError, KeyError) as error:
        print(f"parity: {error}", file=sys.stderr)
        return ERROR_EXIT_CODE
    return 0


def _not_run(reasons: list[str]) -> None:
    """Scenarios left out or cut short, each on a line of stderr."""
    for reason in reasons:
        print(f"parity: {reason}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
