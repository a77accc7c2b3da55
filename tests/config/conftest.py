"""Helpers for configuration tests: write YAML files under tmp_path and load them."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from reconciler.config import ConfigError, LoadedConfig, load_config

WriteFiles = Callable[[Mapping[str, str]], Path]


def write_files(root: Path, files: Mapping[str, str]) -> Path:
    """Write dedented YAML texts (name -> text, names may hold folders); return root."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture
def write(tmp_path: Path) -> WriteFiles:
    return lambda files: write_files(tmp_path, files)


def issues_of(
    root: Path, paths: list[str], environ: Mapping[str, str] | None = None, strict: bool = False
) -> list[str]:
    """Issues of loading `paths` (relative to root) as "file:line: message", names shortened."""
    with pytest.raises(ConfigError) as caught:
        load_config([str(root / path) for path in paths], environ=environ or {}, strict=strict)
    prefix = str(root) + "/"
    return [str(issue).replace(prefix, "") for issue in caught.value.issues]


def load(root: Path, paths: list[str], environ: Mapping[str, str] | None = None) -> LoadedConfig:
    return load_config([str(root / path) for path in paths], environ=environ or {})
