"""undo: files go back as they were, unless someone edited them since."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.changes.helpers import change_set, side_files, tree

from tta_codegen.changes import apply, undo
from tta_codegen.errors import ConflictError

pytestmark = [pytest.mark.unit]


def test_undo_puts_back_changed_deleted_and_created_files(
    project: Path, journal_dir: Path
) -> None:
    before = tree(project)
    applied = apply(
        change_set(
            project,
            {"pkg/core.py": "A = 2\n", "run.sh": None, "pkg/new.py": "NEW = 1\n"},
        ),
        journal_dir=journal_dir,
    )
    assert not (project / "run.sh").exists()
    outcome = undo(applied, journal_dir=journal_dir)
    assert not outcome.already_undone
    assert {Path(c.path).name for c in outcome.restored} == {
        "core.py",
        "run.sh",
        "new.py",
    }
    assert tree(project) == before
    assert (project / "run.sh").stat().st_mode & 0o777 == 0o755  # as it was
    assert side_files(project) == []


def test_undo_twice_does_nothing_the_second_time(
    project: Path, journal_dir: Path
) -> None:
    applied = apply(
        change_set(project, {"pkg/core.py": "A = 2\n"}), journal_dir=journal_dir
    )
    undo(applied, journal_dir=journal_dir)
    again = undo(applied, journal_dir=journal_dir)
    assert again.already_undone
    assert again.restored == ()


def test_undo_is_refused_after_a_human_edit_and_touches_nothing(
    project: Path, journal_dir: Path
) -> None:
    applied = apply(
        change_set(project, {"pkg/core.py": "A = 2\n", "pkg/new.py": "NEW = 1\n"}),
        journal_dir=journal_dir,
    )
    (project / "pkg" / "new.py").write_text("NEW = 1\nMINE = 2  # kept\n")
    edited = tree(project)
    with pytest.raises(ConflictError) as caught:
        undo(applied, journal_dir=journal_dir)
    assert caught.value.paths == (str(project / "pkg" / "new.py"),)
    assert "changed since the run wrote them" in caught.value.message
    assert tree(project) == edited


def test_undo_is_refused_when_a_deleted_file_came_back(
    project: Path, journal_dir: Path
) -> None:
    applied = apply(
        change_set(project, {"pkg/legacy.py": None}), journal_dir=journal_dir
    )
    (project / "pkg" / "legacy.py").write_text("# rewritten by hand\n")
    with pytest.raises(ConflictError, match=r"legacy\.py"):
        undo(applied, journal_dir=journal_dir)
    assert (project / "pkg" / "legacy.py").read_text() == "# rewritten by hand\n"
