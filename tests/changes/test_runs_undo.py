"""``tta-codegen runs undo``: a run's files put back from its checkpoint."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from tests.changes.helpers import change_set, tree
from tests.cli_runner import run_cli

from tta_codegen import Codegen, CodegenRequest, Settings
from tta_codegen.changes import ChangeSet, apply, journal_dir_of

pytestmark = [pytest.mark.e2e]


def record_run(config: Path, thread_id: str, changes: ChangeSet | None) -> None:
    """A finished run in the checkpoint store that wrote ``changes``."""
    settings = Settings.load(config)

    async def go() -> None:
        async with Codegen.open(settings) as session:
            await session.graph.aupdate_state(
                Codegen.config(thread_id),
                {
                    "request": CodegenRequest(task="rename add to plus"),
                    "status": "succeeded",
                    "changes": changes,
                },
                as_node="write_output",
            )

    asyncio.run(go())


@pytest.fixture
def applied(project: Path, config_file: Path) -> ChangeSet:
    """A run of thread ``t1`` that changed, created and deleted a file."""
    settings = Settings.load(config_file)
    changes = apply(
        change_set(
            project,
            {
                "pkg/core.py": "def plus(a, b):\n    return a + b\n",
                "pkg/legacy.py": None,
                "pkg/plus.py": "from pkg.core import plus\n",
            },
        ),
        journal_dir=journal_dir_of(settings.state_dir),
    )
    record_run(config_file, "t1", changes)
    return changes


def test_runs_undo_puts_the_files_back(
    project: Path, config_file: Path, applied: ChangeSet
) -> None:
    undone = run_cli("runs", "undo", "t1", "--json", config=config_file)
    assert undone.returncode == 0, undone.stderr
    report = json.loads(undone.stdout)
    assert {Path(f["path"]).name: f["action"] for f in report["files"]} == {
        "core.py": "restored",
        "legacy.py": "brought back",
        "plus.py": "removed (the run created it)",
    }
    assert (project / "pkg" / "legacy.py").read_text() == "OLD = True\n"
    assert not (project / "pkg" / "plus.py").exists()
    again = run_cli("runs", "undo", "t1", config=config_file)
    assert again.returncode == 0
    assert "nothing to undo" in again.stdout


def test_runs_undo_refuses_after_a_human_edit(
    project: Path, config_file: Path, applied: ChangeSet
) -> None:
    (project / "pkg" / "core.py").write_text("def plus(a, b):\n    return b + a\n")
    edited = tree(project)
    refused = run_cli("runs", "undo", "t1", config=config_file)
    assert refused.returncode == 2
    assert refused.stderr.startswith("error[TTA601]: 1 file(s) changed since the run")
    assert "core.py" in refused.stderr
    assert tree(project) == edited


def test_runs_undo_of_a_run_that_wrote_nothing(config_file: Path) -> None:
    record_run(config_file, "t2", None)
    refused = run_cli("runs", "undo", "t2", config=config_file)
    assert refused.returncode == 2
    assert "changed no files that can be undone" in refused.stderr
    unknown = run_cli("runs", "undo", "nope", config=config_file)
    assert unknown.returncode == 2
    assert "no run with thread id 'nope'" in unknown.stderr
