"""Join the JSON reports of a fleet split across CI jobs into one report.

    python -m reconciler.fleet.merge shard-*.json                     # one JSON object
    python -m reconciler.fleet.merge --format markdown shard-*.json   # the PR comment
    python -m reconciler.fleet.merge --detailed-exitcode shard-*.json # 0, 1 or 2 for the fleet

Each input is what `plan --all --format json` (or `--report FILE`) wrote for one shard. The
merged report is the one a single run over every target would have printed: targets in the
order of the inputs, the summary recounted, rendered by the output layer in any format a fleet
report has (`reconciler.output.formats("fleet")`), its parts written as the CLI writes them.
Two inputs naming one target, or reports of different commands, are refused. Exit codes are a
fleet run's: 1 for a failed target and for any error of the merge itself (usage errors
included, never argparse's 2), 2 only for changes under --detailed-exitcode.

This module is a command, like those of `reconciler.cli` (argument parsing, one API call, one
render), kept at the path CI workflows call; the merging is `reconciler.fleet.combine`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from reconciler import api, output
from reconciler.cli.render import show
from reconciler.errors import ReconcilerError
from reconciler.usage import ERROR_EXIT_CODE, ArgumentParser


def main(argv: Sequence[str] | None = None) -> int:
    parser = ArgumentParser(
        prog="python -m reconciler.fleet.merge",
        description="Join the JSON reports of fleet shards into one report.",
    )
    parser.add_argument("reports", nargs="+", type=Path, metavar="REPORT.json")
    parser.add_argument("--format", choices=output.formats("fleet"), default="json")
    parser.add_argument(
        "--detailed-exitcode",
        action="store_true",
        help="exit 2 when any target has changes (1 is always a failed target)",
    )
    arguments = parser.parse_args(argv)
    try:
        result = api.merge_fleet_reports(arguments.reports)
    except ReconcilerError as error:
        print(f"Error: {error}", file=sys.stderr)
        return ERROR_EXIT_CODE
    show(arguments.format, result)
    return result.exit_code(arguments.detailed_exitcode)


if __name__ == "__main__":
    sys.exit(main())
