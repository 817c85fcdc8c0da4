"""atomic_write: whole files only, with the modes a user expects."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tta_codegen.files import atomic_write, current_umask

pytestmark = [pytest.mark.unit]


def test_a_new_file_honours_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        assert current_umask() == 0o027
        atomic_write(tmp_path / "new.py", "x = 1\n")
    finally:
        os.umask(old)
    assert (tmp_path / "new.py").stat().st_mode & 0o777 == 0o640
    assert (tmp_path / "new.py").read_text() == "x = 1\n"


def test_a_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "tool.py"
    target.write_text("old\n")
    target.chmod(0o755)
    atomic_write(target, b"new\n")
    assert target.read_bytes() == b"new\n"
    assert target.stat().st_mode & 0o777 == 0o755


def test_no_temporary_file_is_left_behind_on_failure(tmp_path: Path) -> None:
    with pytest.raises(TypeError):
        atomic_write(tmp_path / "x.py", 12)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_parent_folders_are_created(tmp_path: Path) -> None:
    atomic_write(tmp_path / "a" / "b" / "c.py", "")
    assert (tmp_path / "a" / "b" / "c.py").exists()
