"""Configurations written to a temporary folder, loaded and linted the way `validate` does."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from reconciler import lint
from reconciler.config import load_config
from reconciler.findings import Finding


@dataclass
class Workspace:
    """A folder of config files; paths in findings are relative to it (the test chdirs there)."""

    root: Path

    def write(self, files: Mapping[str, str]) -> None:
        for name, text in files.items():
            path = self.root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")

    def lint(self, *paths: str, environ: Mapping[str, str] | None = None) -> list[Finding]:
        return lint.check(load_config(list(paths), environ=environ or {}))

    def line_of(self, file: str, line: int) -> str:
        return (self.root / file).read_text(encoding="utf-8").splitlines()[line - 1]


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    return Workspace(tmp_path)


Only = Callable[[list[Finding], str], list[Finding]]


def only(findings: list[Finding], rule: str) -> list[Finding]:
    return [finding for finding in findings if finding.rule == rule]
