"""Where `generate` writes, and what it will not overwrite or cannot write."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.cli_runner import run_cli
from tests.samples import GOOD_CODE, GOOD_TESTS, fenced

from tta_codegen.testing import FakeOpenAIServer, RecordedRequest, Reply

pytestmark = pytest.mark.e2e

OLD = "OLD = 1\n"


@pytest.fixture
def umask_022() -> Iterator[None]:
    before = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(before)


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_relative_out_resumed_from_another_folder_lands_where_it_started(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    fake_llm.script(fenced(GOOD_CODE), fenced(GOOD_TESTS))
    started, elsewhere = tmp_path / "a", tmp_path / "b"
    (started / "pkg").mkdir(parents=True)
    elsewhere.mkdir()
    paused = run_cli(
        "generate",
        "Add two integers.",
        "--out",
        "pkg/calc.py",
        "--review",
        "--thread-id",
        "rel",
        config=config_file,
        cwd=started,
    )
    assert paused.returncode == 0, paused.stderr

    done = run_cli(
        "resume", "rel", "--approve", "--json", config=config_file, cwd=elsewhere
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["code_path"] == str(started / "pkg" / "calc.py")
    assert (started / "pkg" / "calc.py").read_text() == GOOD_CODE
    assert (started / "pkg" / "test_calc.py").read_text() == GOOD_TESTS
    assert not list(elsewhere.rglob("*.py"))


def test_a_resume_that_read_another_config_names_the_one_the_run_started_with(
    fake_llm: FakeOpenAIServer,
    config_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_llm.script(fenced(GOOD_CODE), fenced(GOOD_TESTS))
    out = tmp_path / "calc.py"
    paused = run_cli(
        "generate", "Add two integers.", "--out", out, "--review",
        "--thread-id", "cfg", config=config_file,
    )  # fmt: skip
    assert paused.returncode == 0, paused.stderr
    # another folder, no tta-codegen.toml there: the same checkpoint store (from
    # the environment) but none of the run's providers and models
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    store = f"sqlite:///{tmp_path}/checkpoints.sqlite"
    monkeypatch.setenv("TTA_CODEGEN_CHECKPOINTS__URL", store)
    key = os.environ.pop("OPENROUTER_API_KEY")

    refused = run_cli("resume", "cfg", "--approve", cwd=elsewhere)

    assert refused.returncode == 2, refused.stderr
    started_with = config_file.resolve()
    assert f"the run was started with the config {started_with}" in refused.stderr
    assert f"--config {started_with}" in refused.stderr
    assert not out.exists()

    monkeypatch.setenv("OPENROUTER_API_KEY", key)
    done = run_cli("resume", "cfg", "--approve", "--config", config_file, cwd=elsewhere)
    assert done.returncode == 0, done.stderr
    assert out.read_text() == GOOD_CODE


def test_tests_out_equal_to_out_is_refused_before_any_call(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "calc.py"
    done = run_cli(
        "generate", "Add two integers.", "--out", out, "--tests-out",
        tmp_path / "." / "calc.py", config=config_file,
    )  # fmt: skip
    assert done.returncode == 2
    assert "--out and --tests-out are the same file" in done.stderr
    assert fake_llm.calls() == [] and not out.exists()


@pytest.mark.parametrize(
    "target", ["/proc/calc.py", "/sys/calc.py"], ids=["proc", "sys"]
)
def test_a_folder_that_takes_no_files_exits_2_before_any_call(
    fake_llm: FakeOpenAIServer, config_file: Path, target: str
) -> None:
    proc = run_cli("generate", "Add two integers.", "--out", target, config=config_file)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error[TTA100]: --out")
    assert "does not accept new files" in lines[0]
    assert fake_llm.calls() == []


def test_a_write_that_fails_at_the_end_keeps_the_work_and_resumes(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    fake_llm.script(fenced(GOOD_CODE), fenced(GOOD_TESTS))
    folder = tmp_path / "pkg"
    folder.mkdir()
    out = folder / "calc.py"
    paused = run_cli(
        "generate",
        "Add two integers.",
        "--out",
        out,
        "--review",
        "--thread-id",
        "w",
        config=config_file,
    )
    assert paused.returncode == 0, paused.stderr
    folder.rmdir()
    folder.write_text("a file where the folder was\n")  # writes there now fail

    failed = run_cli("resume", "w", "--approve", config=config_file)
    assert failed.returncode == 2, failed.stderr
    assert "error[TTA605]" in failed.stderr and str(out) in failed.stderr
    assert "tta-codegen resume w" in failed.stderr
    assert "Traceback" not in failed.stderr

    folder.unlink()
    folder.mkdir()
    done = run_cli("resume", "w", "--json", config=config_file)
    assert done.returncode == 0, done.stderr
    assert out.read_text() == GOOD_CODE
    assert len(fake_llm.calls()) == 2  # the work was kept, not redone


@pytest.mark.parametrize("existing", ["calc.py", "test_calc.py"])
def test_existing_files_are_refused_before_any_call(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path, existing: str
) -> None:
    (tmp_path / existing).write_text(OLD)
    proc = run_cli(
        "generate",
        "Add two integers.",
        "--out",
        tmp_path / "calc.py",
        config=config_file,
    )
    assert proc.returncode == 2, proc.stderr
    (line,) = proc.stderr.strip().splitlines()[:1]
    assert line.startswith("error[TTA604]") and str(tmp_path / existing) in line
    assert "--force" in proc.stderr
    assert fake_llm.calls() == []
    assert (tmp_path / existing).read_text() == OLD


def test_force_overwrites_and_keeps_modes_new_files_follow_the_umask(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path, umask_022: None
) -> None:
    fake_llm.script(fenced(GOOD_CODE), fenced(GOOD_TESTS))
    out = tmp_path / "calc.py"
    out.write_text(OLD)
    out.chmod(0o640)
    proc = run_cli(
        "generate", "Add two integers.", "--out", out, "--force", config=config_file
    )
    assert proc.returncode == 0, proc.stderr
    assert out.read_text() == GOOD_CODE and mode_of(out) == 0o640
    tests = tmp_path / "test_calc.py"
    assert tests.read_text() == GOOD_TESTS and mode_of(tests) == 0o644


def test_an_approved_review_may_overwrite(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    fake_llm.script(fenced(GOOD_CODE), fenced(GOOD_TESTS))
    out = tmp_path / "calc.py"
    out.write_text(OLD)
    paused = run_cli(
        "generate",
        "Add two integers.",
        "--out",
        out,
        "--review",
        "--thread-id",
        "ow",
        config=config_file,
    )
    assert paused.returncode == 0, paused.stderr
    assert out.read_text() == OLD
    done = run_cli("resume", "ow", "--approve", config=config_file)
    assert done.returncode == 0, done.stderr
    assert out.read_text() == GOOD_CODE


def test_a_file_created_during_the_run_is_not_overwritten(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "calc.py"

    def answer(request: RecordedRequest) -> Reply:
        if "pytest tests" in str(request.messages[0].get("content", "")):
            return Reply(content=fenced(GOOD_TESTS))
        out.write_text(OLD)  # someone saves calc.py while the model answers
        return Reply(content=fenced(GOOD_CODE))

    fake_llm.responder = answer
    proc = run_cli(
        "generate",
        "Add two integers.",
        "--out",
        out,
        "--thread-id",
        "late",
        config=config_file,
    )
    assert proc.returncode == 2, proc.stderr
    assert "error[TTA604]" in proc.stderr and "tta-codegen resume late" in proc.stderr
    assert out.read_text() == OLD
