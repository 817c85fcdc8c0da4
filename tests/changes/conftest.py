"""A small project on disk and a journal folder for the change-set tests."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder with four files (one executable)."""
    root = tmp_path / "project"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "core.py").write_text("def add(a, b):\n    return a + b\n")
    (root / "pkg" / "legacy.py").write_text("OLD = True\n")
    (root / "run.sh").write_text("#!/bin/sh\necho run\n")
    (root / "run.sh").chmod(0o755)
    return root


@pytest.fixture
def journal_dir(tmp_path: Path) -> Path:
    """Where the journals go (a state folder outside the project)."""
    return tmp_path / "state" / "changes"


@pytest.fixture
def unwritable(project: Path) -> Iterator[Path]:
    """``project/locked`` holding ``kept.py``, where no new file can be made:
    immutable for root (chattr +i), read-only for anyone else."""
    folder = project / "locked"
    folder.mkdir()
    (folder / "kept.py").write_text("KEPT = 1\n")
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    if shutil.which("chattr") is None:
        pytest.skip("chattr is missing: root can write in any folder without it")
    done = subprocess.run(["chattr", "+i", str(folder)], check=False)
    if done.returncode != 0:
        pytest.skip("this file system has no immutable attribute")
    yield folder
    subprocess.run(["chattr", "-i", str(folder)], check=True)
