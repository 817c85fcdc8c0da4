"""Reading produced files from an untrusted workspace."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tta_codegen.openhands._files import MAX_FILE_BYTES, read_workspace_file

pytestmark = pytest.mark.unit


def test_reads_regular_files_and_nested_ones(tmp_path: Path) -> None:
    (tmp_path / "mod.py").write_text("x = 1\n")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_mod.py").write_text("def test(): ...\n")
    assert read_workspace_file(tmp_path, "mod.py") == "x = 1\n"
    assert read_workspace_file(tmp_path, "tests/test_mod.py") == "def test(): ...\n"
    assert read_workspace_file(tmp_path, "missing.py") is None


def test_refuses_symlinks_out_of_the_workspace(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("host secret")
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "mod.py").symlink_to(outside / "secret.txt")
    (workspace / "tests").symlink_to(outside, target_is_directory=True)
    assert read_workspace_file(workspace, "mod.py") is None
    assert read_workspace_file(workspace, "tests/secret.txt") is None
    assert read_workspace_file(workspace, "../outside/secret.txt") is None
    assert read_workspace_file(workspace, str(outside / "secret.txt")) is None


def test_refuses_fifos_huge_and_binary_files(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo.py")  # would block a naive reader forever
    (tmp_path / "big.py").write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    (tmp_path / "bin.py").write_bytes(b"\xff\xfe\x00")
    assert read_workspace_file(tmp_path, "fifo.py") is None
    assert read_workspace_file(tmp_path, "big.py") is None
    assert read_workspace_file(tmp_path, "bin.py") is None
