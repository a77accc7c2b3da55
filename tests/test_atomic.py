"""One atomic write for exports, saved plans, fleet reports and targets files."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from reconciler.atomic import write_atomically
from reconciler.errors import ReconcilerError


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_write_replaces_the_file_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "new" / "folder" / "conversations.yaml"
    write_atomically(target, "old\n")
    write_atomically(target, "new\n")
    assert target.read_text() == "new\n"
    assert [path.name for path in target.parent.iterdir()] == ["conversations.yaml"]
    umask = os.umask(0)
    os.umask(umask)
    assert mode(target) == 0o666 & ~umask


def test_a_private_file_is_for_its_owner_only(tmp_path: Path) -> None:
    target = tmp_path / "prod.plan"
    write_atomically(target, "{}\n", private=True)
    assert mode(target) == 0o600


def test_a_failed_write_names_the_path_and_leaves_nothing_behind(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(ReconcilerError, match=f"cannot write {blocker}/out.yaml"):
        write_atomically(blocker / "out.yaml", "text")
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "out.yaml").mkdir()  # a folder where the file should go: the rename fails
    with pytest.raises(ReconcilerError, match="cannot write"):
        write_atomically(folder / "out.yaml", "text")
    assert [path.name for path in folder.iterdir()] == ["out.yaml"]
