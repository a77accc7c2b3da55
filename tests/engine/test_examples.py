"""Every example config through the CLI: plan shows changes, apply converges, nothing is left."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reconciler.emulator.server import EmulatorServer
from tests.engine.conftest import EXAMPLES, Cli, example_dirs, writes

EXAMPLE_DIRS = example_dirs()


def test_examples_are_found() -> None:
    assert len(EXAMPLE_DIRS) >= 2, f"expected example configs under {EXAMPLES}"


@pytest.mark.parametrize(
    "example", EXAMPLE_DIRS, ids=[str(path.relative_to(EXAMPLES)) for path in EXAMPLE_DIRS]
)
def test_example_plans_applies_and_then_plans_clean(
    example: Path, run: Cli, emulator: EmulatorServer
) -> None:
    path = str(example)
    first = run("plan", path, "--detailed-exitcode", "--format", "json")
    assert first.exit_code == 2, first.output
    planned = json.loads(first.stdout)
    assert sum(planned["summary"].values()) == len(planned["changes"]) > 0
    assert emulator.stats()["by_method"].get("POST", 0) == 0, "plan never writes"

    emulator.reset_stats()
    applied = run("apply", path, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "0 failed, 0 skipped" in applied.stdout
    assert writes(emulator.stats()) >= len(planned["changes"])

    after = run("plan", path, "--detailed-exitcode")
    assert after.exit_code == 0, after.output
    assert "No changes" in after.stdout

    emulator.reset_stats()
    again = run("apply", path, "--auto-approve")
    assert again.exit_code == 0, again.output
    assert writes(emulator.stats()) == 0, emulator.stats()
