"""`tta-codegen batch`: many tasks in one process, resumable as a whole."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.cli_runner import run_cli
from tests.samples import GOOD_CODE, GOOD_TESTS, fenced

from tta_codegen.testing import FakeOpenAIServer, RecordedRequest, Reply

pytestmark = pytest.mark.e2e


def answer_by_prompt(request: RecordedRequest) -> Reply:
    """Code for a code prompt, tests (importing the module asked for) otherwise."""
    prompt = request.prompt
    for name in ("alpha", "beta", "gamma"):
        if f"{name}.py" in prompt or f"`{name}`" in prompt or f" {name}" in prompt:
            module = name
            break
    else:
        module = "calc"
    if "pytest tests" in str(request.messages[0].get("content", "")):
        return Reply(content=fenced(GOOD_TESTS.replace("calc", module)))
    return Reply(content=fenced(GOOD_CODE))


def write_batch(tmp_path: Path) -> Path:
    path = tmp_path / "sprint.yaml"
    path.write_text(
        f"""
name: sprint
tasks:
  - id: alpha
    task: Add two integers.
    out: {tmp_path}/alpha.py
  - id: beta
    task: Add two integers, again.
    out: {tmp_path}/beta.py
"""
    )
    return path


def test_batch_runs_every_task_and_prints_a_summary(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    fake_llm.responder = answer_by_prompt
    batch = write_batch(tmp_path)

    proc = run_cli("batch", batch, "--concurrency", "2", "--json", config=config_file)

    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert [t["status"] for t in summary["tasks"]] == ["succeeded", "succeeded"]
    assert [t["thread_id"] for t in summary["tasks"]] == ["sprint-alpha", "sprint-beta"]
    assert (tmp_path / "alpha.py").read_text() == GOOD_CODE
    assert (tmp_path / "test_beta.py").exists()
    calls = len(fake_llm.calls())

    again = run_cli("batch", batch, config=config_file)
    assert again.returncode == 2 and "--resume" in again.stderr

    resumed = run_cli("batch", batch, "--resume", "--json", config=config_file)
    assert resumed.returncode == 0
    assert [t["status"] for t in json.loads(resumed.stdout)["tasks"]] == [
        "succeeded",
        "succeeded",
    ]
    assert len(fake_llm.calls()) == calls  # finished tasks are not run again


def test_bad_batch_files_exit_2(config_file: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("tasks:\n  - id: a\n    task: x\n    out: /nope/a.py\n")
    proc = run_cli("batch", bad, config=config_file)
    assert proc.returncode == 2 and "batch task 'a'" in proc.stderr
    bad.write_text("tasks: []\n")
    proc = run_cli("batch", bad, config=config_file)
    assert proc.returncode == 2 and "tasks" in proc.stderr


def test_a_task_whose_file_exists_fails_alone_and_the_file_is_kept(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    fake_llm.responder = answer_by_prompt
    batch = write_batch(tmp_path)
    mine = tmp_path / "alpha.py"
    mine.write_text("# written by hand\n")

    proc = run_cli("batch", batch, "--json", config=config_file)

    assert proc.returncode == 2, proc.stderr
    alpha, beta = json.loads(proc.stdout)["tasks"]
    assert alpha["status"] == "failed" and alpha["note"].startswith("TTA604: ")
    assert str(mine) in alpha["note"] and "--force" in alpha["hint"]
    assert beta["status"] == "succeeded"
    assert mine.read_text() == "# written by hand\n"
    assert "alpha" not in " ".join(c.prompt for c in fake_llm.calls())

    forced = run_cli("batch", batch, "--resume", "--force", config=config_file)
    assert forced.returncode == 0, forced.stderr
    assert mine.read_text() == GOOD_CODE


def test_two_tasks_writing_one_file_are_refused_before_any_run(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    batch = tmp_path / "clash.yaml"
    batch.write_text(
        f"tasks:\n"
        f"  - {{id: a, task: Add two integers., out: {tmp_path}/same.py}}\n"
        f"  - {{id: b, task: Add three integers., out: {tmp_path}/same.py}}\n"
    )
    proc = run_cli("batch", batch, config=config_file)
    assert proc.returncode == 2
    assert f"tasks 'a' and 'b' both write {tmp_path}/same.py" in proc.stderr
    assert fake_llm.calls() == [] and not (tmp_path / "same.py").exists()
