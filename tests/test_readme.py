"""The README's own examples run as written: the emulator as a test double, the fleet walk-through.

A reader copies these blocks; when the code under them changes, these tests say so.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from twilio.rest import Client

from reconciler.cli.main import cli
from reconciler.emulator.server import EmulatorServer

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    """The README's text under `## title`, up to the next second-level heading."""
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end != -1 else None]


def blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)


def test_the_emulator_as_a_test_double_runs_as_written() -> None:
    (code,) = [b for b in blocks(README, "python") if "with emulator() as client:" in b]

    def provision(client: Client) -> None:
        client.conversations.v1.roles.create(
            friendly_name="support", type="conversation", permission=["sendMessage"]
        )

    namespace: dict[str, Any] = {"provision": provision}
    exec(compile(code, "README.md", "exec"), namespace)
    tests = [value for name, value in namespace.items() if name.startswith("test_")]
    assert len(tests) == 1
    tests[0]()


def test_the_fleet_walk_through_ends_in_a_clean_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each command of the Fleets section's shell blocks, in order, against an emulator started
    as its first line says (subaccounts included) on a free port instead of 4010."""
    lines = [
        line.split("  #")[0].strip()
        for block in blocks(section("Fleets"), "sh")
        for line in block.splitlines()
        if line.strip()
    ]
    serve = shlex.split(lines[0])
    assert serve[:3] == ["reconciler", "emulator", "serve"], lines[0]
    subaccounts = int(serve[serve.index("--subaccounts") + 1])
    (tmp_path / "examples").symlink_to(REPO / "examples")
    monkeypatch.chdir(tmp_path)
    env: dict[str, str] = {}
    with EmulatorServer(subaccounts=subaccounts) as emulator:
        ran = []
        for line in lines[1:]:
            words = shlex.split(line)
            if words[0] == "export":
                name, value = words[1].split("=", 1)
                env[name] = emulator.url if name == "RECONCILER_ENDPOINT" else value
                continue
            assert words[0] == "reconciler", line
            result = CliRunner().invoke(cli, words[1:], env=env, catch_exceptions=False)
            assert result.exit_code == 0, f"{line}\n{result.output}"
            ran.append(words[1])
    assert ran.count("plan") == 2 and ran[-1] == "plan"
    assert (tmp_path / "fleet" / "reconciler-targets.yaml").is_file()
    assert sorted(p.name for p in (tmp_path / "fleet").iterdir() if p.is_dir()) == [
        f"tenant-{n:03}" for n in range(1, subaccounts + 1)
    ]
