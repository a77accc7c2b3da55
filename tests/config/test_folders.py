"""Which files a folder contributes, and that nothing that looks like configuration is dropped
silently (a dropped file plus `prune` deletes live resources)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.config import ConfigError, load_config

BASE = "version: 1\n"
ADDRESSES = (
    "address_configurations:\n"
    "  - {type: sms, address: '+15017122661'}\n"
    "policy: {prune: [address_configurations]}\n"
)


def folder(tmp_path: Path) -> Path:
    root = tmp_path / "envs"
    root.mkdir()
    (root / "a-base.yaml").write_text(BASE)
    return root


def problems(root: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config([root], environ={})
    return [str(issue) for issue in caught.value.issues]


def test_yaml_and_yml_files_merge_in_name_order(tmp_path: Path) -> None:
    root = folder(tmp_path)
    (root / "b.yml").write_text(ADDRESSES)
    (root / "README.md").write_text("not read, and not a problem")
    loaded = load_config([root], environ={})
    assert [file.name for file in loaded.files] == ["a-base.yaml", "b.yml"]
    assert loaded.warnings == []


def test_a_dangling_symlink_stops_the_run(tmp_path: Path) -> None:
    root = folder(tmp_path)
    (root / "addresses.yaml").symlink_to(tmp_path / "moved-away.yaml")
    [problem] = problems(root)
    assert "addresses.yaml" in problem and "symbolic link to a missing file" in problem


def test_a_folder_named_like_a_yaml_file_stops_the_run(tmp_path: Path) -> None:
    root = folder(tmp_path)
    (root / "odd.yaml").mkdir()
    (root / "odd.yaml" / "x.txt").write_text("")
    [problem] = problems(root)
    assert "odd.yaml" in problem and "not a regular file" in problem


def test_an_upper_case_suffix_is_an_error_not_a_skip(tmp_path: Path) -> None:
    root = folder(tmp_path)
    (root / "Addresses.YAML").write_text(ADDRESSES)
    [problem] = problems(root)
    assert "Addresses.YAML" in problem and "lower-case .yaml or .yml" in problem


def test_hidden_files_and_subfolders_are_warnings(tmp_path: Path) -> None:
    root = folder(tmp_path)
    (root / ".draft.yaml").write_text(ADDRESSES)
    (root / "eu").mkdir()
    (root / "eu" / "more.yaml").write_text(ADDRESSES)
    loaded = load_config([root], environ={})
    shown = [str(warning) for warning in loaded.warnings]
    assert any(".draft.yaml" in text and "hidden file not read" in text for text in shown)
    assert any("eu" in text and "subfolder not read" in text for text in shown)
    assert not loaded.config.address_configurations


def test_a_named_path_that_is_a_dangling_symlink_is_an_error(tmp_path: Path) -> None:
    link = tmp_path / "prod.yaml"
    link.symlink_to(tmp_path / "gone.yaml")
    with pytest.raises(ConfigError) as caught:
        load_config([link], environ={})
    assert "symbolic link to a missing file" in str(caught.value)
