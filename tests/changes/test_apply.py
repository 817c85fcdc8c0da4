"""apply: every file of a set is written, or none; conflicts and escapes refused."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tests.changes.helpers import change_set, side_files, tree

from tta_codegen.changes import (
    ChangeSet,
    FileChange,
    apply,
    read_original,
    recover,
    snapshot,
)
from tta_codegen.errors import ChangeError, ConflictError, ExitCode, UnsafePathError

pytestmark = [pytest.mark.unit]

NEW_CORE = "def add(a: int, b: int) -> int:\n    return a + b\n"


def test_a_new_a_changed_and_a_deleted_file_in_one_set(
    project: Path, journal_dir: Path
) -> None:
    changes = change_set(
        project,
        {
            "pkg/core.py": NEW_CORE,
            "pkg/legacy.py": None,
            "pkg/sub/extra.py": "EXTRA = 1\n",
        },
    )
    apply(changes, journal_dir=journal_dir)
    assert tree(project) == {
        "pkg/__init__.py": "",
        "pkg/core.py": NEW_CORE,
        "pkg/sub/extra.py": "EXTRA = 1\n",
        "run.sh": "#!/bin/sh\necho run\n",
    }
    assert side_files(project) == []
    assert list(journal_dir.glob("*.json")) == []
    assert recover(journal_dir) == []


def test_diffs_count_added_and_removed_lines(project: Path) -> None:
    changes = change_set(
        project,
        {
            "pkg/core.py": NEW_CORE,
            "pkg/legacy.py": None,
            "pkg/new.py": "A = 1\nB = 2\n",
        },
    )
    diffs = {d.path: d for d in changes.diffs()}
    assert (diffs["pkg/core.py"].added, diffs["pkg/core.py"].removed) == (1, 1)
    assert diffs["pkg/core.py"].kind == "modified"
    assert "-def add(a, b):" in diffs["pkg/core.py"].diff
    assert "+def add(a: int, b: int) -> int:" in diffs["pkg/core.py"].diff
    assert (diffs["pkg/legacy.py"].added, diffs["pkg/legacy.py"].removed) == (0, 1)
    assert diffs["pkg/legacy.py"].diff.splitlines()[1] == "+++ /dev/null"
    assert (diffs["pkg/new.py"].kind, diffs["pkg/new.py"].added) == ("created", 2)
    assert changes.diff_text().count("\n--- ") + 1 == 3


def test_a_file_changed_since_the_snapshot_is_a_conflict_and_nothing_is_written(
    project: Path, journal_dir: Path
) -> None:
    names = ["pkg/core.py", "pkg/legacy.py"]
    seen = snapshot(str(project / n) for n in names)
    changes = change_set(project, {"pkg/core.py": NEW_CORE, "pkg/legacy.py": None})
    (project / "pkg" / "legacy.py").write_text("OLD = False  # a human edit\n")
    before = tree(project)
    with pytest.raises(ConflictError) as caught:
        apply(changes, journal_dir=journal_dir, expected=seen)
    assert caught.value.paths == (str(project / "pkg" / "legacy.py"),)
    assert "legacy.py" in caught.value.message
    assert caught.value.exit_code == ExitCode.BAD_INPUT
    assert tree(project) == before


def test_a_file_that_appeared_where_a_new_one_goes_is_a_conflict(
    project: Path, journal_dir: Path
) -> None:
    changes = change_set(project, {"pkg/core.py": NEW_CORE, "pkg/new.py": "A = 1\n"})
    (project / "pkg" / "new.py").write_text("# someone else's file\n")
    with pytest.raises(ConflictError, match=r"new\.py"):
        apply(changes, journal_dir=journal_dir)
    assert (project / "pkg" / "new.py").read_text() == "# someone else's file\n"
    assert (
        read_original(project / "pkg" / "core.py")
        == "def add(a, b):\n    return a + b\n"
    )


def test_line_endings_are_kept_exactly(project: Path, journal_dir: Path) -> None:
    (project / "win.py").write_bytes(b"A = 1\r\nB = 2\r\n")
    changes = change_set(project, {"win.py": "A = 1\r\nB = 3\r\n"})
    apply(changes, journal_dir=journal_dir)
    assert (project / "win.py").read_bytes() == b"A = 1\r\nB = 3\r\n"


@pytest.mark.parametrize(
    "name", ["../outside.py", "pkg/../../outside.py", "/etc/tta-test.py"]
)
def test_paths_that_leave_the_root_are_refused(
    project: Path, journal_dir: Path, name: str
) -> None:
    path = name if name.startswith("/") else f"{project}/{name}"
    changes = ChangeSet(
        root=str(project),
        changes=(
            FileChange(path=str(project / "pkg" / "core.py"), before=None, after="x"),
            FileChange(path=path, before=None, after="x = 1\n"),
        ),
    )
    before = tree(project)
    with pytest.raises(UnsafePathError):
        apply(changes, journal_dir=journal_dir)
    assert tree(project) == before
    assert not (project.parent / "outside.py").exists()


def test_a_symlink_out_of_the_root_is_refused(
    project: Path, journal_dir: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project / "link").symlink_to(elsewhere)
    changes = ChangeSet(
        root=str(project),
        changes=(
            FileChange(path=str(project / "link" / "evil.py"), before=None, after="x"),
        ),
    )
    with pytest.raises(UnsafePathError, match="outside"):
        apply(changes, journal_dir=journal_dir)
    assert list(elsewhere.iterdir()) == []


def test_a_symlink_inside_the_root_writes_its_target(
    project: Path, journal_dir: Path
) -> None:
    (project / "alias.py").symlink_to(project / "pkg" / "core.py")
    changes = change_set(project, {"alias.py": NEW_CORE})
    apply(changes, journal_dir=journal_dir)
    assert (project / "alias.py").is_symlink()
    assert (project / "pkg" / "core.py").read_text() == NEW_CORE


def test_the_same_file_twice_is_refused(project: Path, journal_dir: Path) -> None:
    (project / "alias.py").symlink_to(project / "pkg" / "core.py")
    changes = change_set(project, {"pkg/core.py": NEW_CORE, "alias.py": "B = 2\n"})
    with pytest.raises(ChangeError, match="same file"):
        apply(changes, journal_dir=journal_dir)


def test_a_parent_that_is_a_file_is_refused_before_writing(
    project: Path, journal_dir: Path
) -> None:
    inner = FileChange(path=f"{project}/pkg/core.py/x.py", before=None, after="X")
    changes = change_set(project, {"run.sh": "echo\n"})
    changes = changes.model_copy(update={"changes": (*changes.changes, inner)})
    before = tree(project)
    with pytest.raises(ChangeError, match="Not a directory"):
        apply(changes, journal_dir=journal_dir)
    assert tree(project) == before


def test_a_write_that_fails_midway_changes_nothing(
    project: Path, journal_dir: Path, unwritable: Path
) -> None:
    changes = change_set(
        project,
        {
            "run.sh": "#!/bin/sh\necho new\n",
            "a/b.py": "B = 1\n",
            "locked/kept.py": "KEPT = 2\n",
        },
    )
    before = tree(project)
    with pytest.raises(ChangeError, match="nothing was changed"):
        apply(changes, journal_dir=journal_dir)
    assert tree(project) == before
    assert not (project / "a").exists()
    assert side_files(project) == []
    assert list(journal_dir.glob("*.json")) == []


def test_modes_are_kept_and_new_files_and_folders_honour_the_umask(
    project: Path, journal_dir: Path
) -> None:
    (project / "pkg" / "core.py").chmod(0o600)
    changes = change_set(
        project,
        {"run.sh": "#!/bin/sh\necho new\n", "pkg/core.py": NEW_CORE, "d/e/f.py": ""},
    )
    old = os.umask(0o027)
    try:
        applied = apply(changes, journal_dir=journal_dir)
    finally:
        os.umask(old)
    assert (project / "run.sh").stat().st_mode & 0o777 == 0o755
    assert (project / "pkg" / "core.py").stat().st_mode & 0o777 == 0o600
    assert (project / "d" / "e" / "f.py").stat().st_mode & 0o777 == 0o640
    assert (project / "d").stat().st_mode & 0o777 == 0o750
    assert (project / "d" / "e").stat().st_mode & 0o777 == 0o750
    modes = {Path(c.path).name: c.mode for c in applied.changes}
    assert modes == {"run.sh": 0o755, "core.py": 0o600, "f.py": None}


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file away")
def test_a_replaced_file_keeps_its_owner(project: Path, journal_dir: Path) -> None:
    target = project / "pkg" / "core.py"
    os.chown(target, 12345, 12346)
    apply(change_set(project, {"pkg/core.py": NEW_CORE}), journal_dir=journal_dir)
    info = target.stat()
    assert (info.st_uid, info.st_gid) == (12345, 12346)
    assert target.read_text() == NEW_CORE


def test_an_unchanged_file_is_not_rewritten(project: Path, journal_dir: Path) -> None:
    target = project / "pkg" / "core.py"
    inode = target.stat().st_ino
    apply(
        change_set(project, {"pkg/core.py": target.read_text()}),
        journal_dir=journal_dir,
    )
    assert target.stat().st_ino == inode
