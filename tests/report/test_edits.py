"""How much people changed generated files: from disk, from git, or gone."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from tests.report.helpers import run

from tta_codegen.report.edits import changed_share, latest_writes, measure_edits
from tta_codegen.report.records import WrittenFile

pytestmark = [pytest.mark.unit]

ORIGINAL = "".join(f"line {i}\n" for i in range(20))


def test_changed_share_is_the_share_of_lines_changed() -> None:
    assert changed_share(ORIGINAL, ORIGINAL) == 0.0
    one_changed = ORIGINAL.replace("line 3\n", "line three\n")
    assert changed_share(ORIGINAL, one_changed) == pytest.approx(0.05)
    assert changed_share(ORIGINAL, "something else\n") == pytest.approx(1.0)
    assert changed_share("", "") == 0.0
    appended = ORIGINAL + "".join(f"extra {i}\n" for i in range(20))
    assert changed_share(ORIGINAL, appended) == pytest.approx(1 / 3)


def test_only_the_newest_write_of_a_path_counts(tmp_path: Path) -> None:
    old = run("old", files=(WrittenFile("calc.py", "code", "v1\n"),))
    new = run("new", day=1, files=(WrittenFile("calc.py", "code", "v2\n"),))
    other = run("other", files=(WrittenFile(str(tmp_path / "b.py"), "code", "b\n"),))
    writes = latest_writes([new, old, other], tmp_path)
    assert {(r.thread_id, str(p)) for r, _, p in writes} == {
        ("new", str(tmp_path / "calc.py")),
        ("other", str(tmp_path / "b.py")),
    }


async def test_files_on_disk_edited_and_untouched(tmp_path: Path) -> None:
    (tmp_path / "calc.py").write_text(ORIGINAL.replace("line 3\n", "line III\n"))
    (tmp_path / "test_calc.py").write_text(ORIGINAL)
    record = run(
        "t",
        files=(
            WrittenFile("calc.py", "code", ORIGINAL),
            WrittenFile("test_calc.py", "tests", ORIGINAL),
            WrittenFile("gone.py", "code", ORIGINAL),
        ),
    )
    edits = {Path(e.path).name: e for e in await measure_edits([record], tmp_path)}
    assert edits["calc.py"].changed_share == pytest.approx(0.05)
    assert edits["calc.py"].source == "disk"
    assert edits["test_calc.py"].changed_share == 0.0
    assert edits["gone.py"].source == "missing"
    assert edits["gone.py"].changed_share is None


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
async def test_a_file_deleted_from_disk_is_read_from_git(tmp_path: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
            cwd=tmp_path,
            check=True,
            capture_output=True,
        )

    git("init", "-q")
    (tmp_path / "pkg").mkdir()
    edited = ORIGINAL.replace("line 0\n", "# reviewed\nline 0\n")
    (tmp_path / "pkg" / "calc.py").write_text(edited)
    git("add", ".")
    git("commit", "-q", "-m", "add calc")
    (tmp_path / "pkg" / "calc.py").unlink()
    record = run("t", files=(WrittenFile("pkg/calc.py", "code", ORIGINAL),))
    (edit,) = await measure_edits([record], tmp_path)
    assert edit.source == "git"
    assert edit.changed_share == pytest.approx(changed_share(ORIGINAL, edited))
    assert 0 < edit.changed_share < 0.1
