"""docs/api.md's examples run as written, in order, in one namespace (as a reader would paste
them into one session), against the emulator its first block sets up."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from reconciler.emulator.server import EmulatorServer

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)


def test_the_api_guide_has_its_five_uses() -> None:
    headings = re.findall(r"^## \d\. (.+)$", DOC.read_text(encoding="utf-8"), flags=re.M)
    assert headings == [
        "Validate a configuration",
        "Plan, and save the plan for review",
        "Apply the reviewed plan",
        "Export an account",
        "Plan a fleet",
    ]


def test_the_api_guides_examples_run_as_written(
    workspace: EmulatorServer, capsys: pytest.CaptureFixture[str]
) -> None:
    blocks = python_blocks(DOC.read_text(encoding="utf-8"))
    assert len(blocks) >= 6
    namespace: dict[str, Any] = {}
    for number, block in enumerate(blocks, 1):
        exec(compile(block, f"docs/api.md (python block {number})", "exec"), namespace)
    printed = capsys.readouterr().out
    assert "'services': 2" in printed
    assert "Apply complete: 16 done, 0 failed, 0 skipped." in printed
    assert "Fleet plan: 3 targets" in printed
    assert Path("support.plan.json").is_file() and Path("fleet-report.json").is_file()
    assert namespace["steps"], "notify received the applied steps"


def test_every_documented_exception_is_importable_from_the_api() -> None:
    """`except api.StalePlanError` works for each exception the guide's table names."""
    from reconciler import api
    from reconciler.api.errors import ERRORS
    from reconciler.errors import ReconcilerError

    section = DOC.read_text(encoding="utf-8").split("## Errors", 1)[1]
    documented = re.findall(r"^\| `(\w+)` \|", section, flags=re.M)
    assert "StalePlanError" in documented and "ExportNotExpressible" in documented
    for name in documented:
        error = getattr(api, name)
        assert issubclass(error, ReconcilerError), name
        assert name in api.__all__, name
    assert set(documented) == (set(ERRORS) - {"ReconcilerError"}) | {"ApplyFailed"}
