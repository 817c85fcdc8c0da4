"""kill -9 a real process in the middle of apply (or of recover): after
``recover()`` every file holds its old content or every file its new one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.changes.helpers import change_set, side_files, tree
from tests.cli_runner import cli_env

from tta_codegen.changes import ChangeSet, recover

pytestmark = [pytest.mark.integration]

REPO = Path(__file__).resolve().parents[2]


def big(name: str, version: int) -> str:
    return f"# {name} v{version}\n" + f"VALUE_{version} = {'x' * 60!r}\n" * 3000


NEW = {
    "pkg/core.py": big("core", 2),
    "pkg/__init__.py": big("init", 2),
    "run.sh": big("run", 2),
    "pkg/new/extra.py": big("extra", 2),
}


def proposal(project: Path) -> ChangeSet:
    """Three modified files, one new file in a new folder, one deleted file."""
    return change_set(project, {**NEW, "pkg/legacy.py": None})


def expected_new(old: dict[str, str]) -> dict[str, str]:
    new = {**old, **NEW}
    del new["pkg/legacy.py"]
    return new


def start(spec: dict[str, object], tmp_path: Path) -> subprocess.Popen[str]:
    spec_file = tmp_path / f"spec-{time.monotonic_ns()}.json"
    spec_file.write_text(json.dumps(spec))
    return subprocess.Popen(
        [sys.executable, "-m", "tests.changes.apply_child", str(spec_file)],
        cwd=REPO,
        env=cli_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def kill_when_paused(child: subprocess.Popen[str]) -> None:
    assert child.stdout is not None
    line = child.stdout.readline()
    if line.strip() != "PAUSED":
        child.kill()
        _, err = child.communicate()
        raise AssertionError(f"the child did not pause: {line!r} {err}")
    os.kill(child.pid, signal.SIGKILL)
    assert child.wait(timeout=30) == -signal.SIGKILL


@pytest.mark.parametrize(
    ("stop_at", "occurrence", "outcome"),
    [
        ("prepared", 1, "old"),
        ("staged", 1, "old"),
        ("committed", 1, "new"),
        ("replaced", 1, "new"),
        ("replaced", 4, "new"),
        ("finished", 1, "new"),
    ],
)
def test_kill_9_during_apply_then_recover_is_all_or_nothing(
    project: Path,
    journal_dir: Path,
    tmp_path: Path,
    stop_at: str,
    occurrence: int,
    outcome: str,
) -> None:
    (project / "pkg" / "core.py").write_text(big("core", 1))
    old = tree(project)
    new = expected_new(old)
    spec = {
        "action": "apply",
        "journal_dir": str(journal_dir),
        "change_set": proposal(project).model_dump(),
        "stop_at": stop_at,
        "occurrence": occurrence,
    }
    kill_when_paused(start(spec, tmp_path))
    if (stop_at, occurrence) == ("replaced", 1):
        # the kill really left a mix on disk: one file new, the others old
        assert (project / "pkg" / "core.py").read_text() == new["pkg/core.py"]
        assert (project / "run.sh").read_text() == old["run.sh"]
    recovered = recover(journal_dir)
    if stop_at != "finished":
        assert [r.direction for r in recovered] == [
            "back" if outcome == "old" else "forward"
        ]
    assert tree(project) == (old if outcome == "old" else new)
    assert side_files(project) == []
    assert list(journal_dir.glob("*.json")) == []
    assert recover(journal_dir) == []


def test_kill_9_during_recovery_then_recover_again(
    project: Path, journal_dir: Path, tmp_path: Path
) -> None:
    old = tree(project)
    new = expected_new(old)
    spec = {
        "action": "apply",
        "journal_dir": str(journal_dir),
        "change_set": proposal(project).model_dump(),
        "stop_at": "replaced",
        "occurrence": 2,
    }
    kill_when_paused(start(spec, tmp_path))
    recovering = {"action": "recover", "journal_dir": str(journal_dir)}
    kill_when_paused(
        start({**recovering, "stop_at": "replaced", "occurrence": 3}, tmp_path)
    )
    assert tree(project) != new  # still half done
    assert [r.direction for r in recover(journal_dir)] == ["forward"]
    assert tree(project) == new
    assert side_files(project) == []


@pytest.mark.slow
def test_kill_9_at_moments_spread_over_the_write_never_leaves_a_mix(
    project: Path, journal_dir: Path, tmp_path: Path
) -> None:
    old = tree(project)
    new = expected_new(old)
    for attempt in range(16):
        restore(project, old)
        spec = {
            "action": "apply",
            "journal_dir": str(journal_dir),
            "change_set": proposal(project).model_dump(),
        }
        child = start(spec, tmp_path)
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "STARTING"
        time.sleep(0.0008 * attempt)  # an apply of these files takes ~5-15 ms
        child.kill()
        child.wait(timeout=30)
        recover(journal_dir)
        now = tree(project)
        assert now in (old, new), f"attempt {attempt}: a mix of old and new files"
        assert side_files(project) == []


def restore(project: Path, old: dict[str, str]) -> None:
    """Put the project back to ``old`` (the start of each round)."""
    (project / "pkg" / "new" / "extra.py").unlink(missing_ok=True)
    for name, text in old.items():
        (project / name).write_text(text)
