"""Which files a folder contributes, and that nothing that looks like configuration is dropped
silently (a dropped file plus `prune` deletes live resources)."""

from __future__ import annotations

import os
import resource
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from reconciler.cli.main import cli
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


def _readable(path: Path) -> bool:
    try:
        if path.is_dir():
            os.listdir(path)
        else:
            path.read_bytes()
    except PermissionError:
        return False
    return True


@contextmanager
def unreadable(path: Path) -> Iterator[str]:
    """While the block runs, reading `path` fails for real; yields the reason the loader gives.

    chmod 000 stops a normal user (PermissionError) but not root, who reads it anyway. Then
    nothing may be opened at all instead: the open-files limit is lowered to the descriptors
    already in use, so opening the folder or file fails with EMFILE, which root hits too. Both
    are an OSError met where the folder is listed or the file read, the branch under test.
    """
    mode = path.stat().st_mode
    path.chmod(0)
    try:
        if not _readable(path):
            yield "[Errno 13] Permission denied"
            return
    finally:
        path.chmod(mode)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    lowest_free = os.open(os.devnull, os.O_RDONLY)
    os.close(lowest_free)
    resource.setrlimit(resource.RLIMIT_NOFILE, (lowest_free, hard))
    try:
        yield "[Errno 24] Too many open files"
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_a_folder_that_cannot_be_read_is_one_clear_error(tmp_path: Path) -> None:
    root = folder(tmp_path)
    with unreadable(root) as reason, pytest.raises(ConfigError) as caught:
        load_config([root], environ={})
    assert [str(issue) for issue in caught.value.issues] == [
        f"{root}: cannot read folder {root}: {reason}"
    ]


def test_a_file_that_cannot_be_read_is_one_clear_error(tmp_path: Path) -> None:
    file = folder(tmp_path) / "a-base.yaml"
    with unreadable(file) as reason, pytest.raises(ConfigError) as caught:
        load_config([file], environ={})
    assert [str(issue) for issue in caught.value.issues] == [f"{file}: cannot read file: {reason}"]


def test_validate_names_an_unreadable_folder_and_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder(tmp_path)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(cli, ["validate", "envs"]).exit_code == 0  # imports what the CLI needs
    with unreadable(tmp_path / "envs") as reason:
        result = runner.invoke(cli, ["validate", "envs"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"envs: cannot read folder envs: {reason}\nenvs: invalid (1 error)\n"


def test_a_path_that_cannot_be_looked_at_is_one_clear_error(tmp_path: Path) -> None:
    # A name longer than the system allows makes looking the path up fail, for root too (a
    # folder on the way that may not be searched fails there alike for other users).
    too_long = tmp_path / ("x" * 300) / "c.yaml"
    with pytest.raises(ConfigError) as caught:
        load_config([too_long], environ={})
    assert [str(issue) for issue in caught.value.issues] == [
        f"{too_long}: cannot read {too_long}: [Errno 36] File name too long"
    ]
