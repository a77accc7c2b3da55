"""Start-up: `--help` and `validate` load only what they use (pipelines pay it on every run)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reconciler.cli.main import COMMANDS, cli

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("twilio", "requests", "deepdiff", "reconciler.emulator", "reconciler.live")


def modules_after(*args: str) -> set[str]:
    """Module names loaded by running `reconciler ARGS` in a fresh interpreter."""
    script = (
        "import json, sys\n"
        "from reconciler.cli.main import cli\n"
        "try:\n"
        f"    cli({list(args)!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "sys.__stderr__.write(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=60
    )
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


@pytest.mark.parametrize("args", [("--help",), ("validate", "examples/support-desk")])
def test_help_and_validate_do_not_import_the_api_stack(args: tuple[str, ...]) -> None:
    loaded = modules_after(*args)
    heavy = sorted(name for name in loaded if name.startswith(HEAVY))
    assert heavy == [], heavy


def test_the_command_list_matches_each_commands_own_help() -> None:
    for name, (_, summary) in COMMANDS.items():
        command = cli.get_command(None, name)  # type: ignore[arg-type]
        assert command is not None
        assert command.get_short_help_str(limit=200) == summary, name
