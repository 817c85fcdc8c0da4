"""The CLI end to end against the loopback fake LLM, in a subprocess."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.cli_runner import run_cli
from tests.samples import BUGGY_CODE, GOOD_CODE, GOOD_TESTS, fenced

from tta_codegen.testing import FakeOpenAIServer

pytestmark = pytest.mark.e2e


def test_refines_an_undefined_name_generates_tests_and_writes_files(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    fake_llm.script(
        fenced(BUGGY_CODE), fenced(GOOD_CODE, "Fixed it:"), fenced(GOOD_TESTS, "Tests:")
    )
    out = tmp_path / "pkg" / "calc.py"
    out.parent.mkdir()

    proc = run_cli(
        "generate", "Add two integers.", "--out", out, "--json", config=config_file
    )

    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["status"] == "succeeded"
    assert result["route"] == "direct"
    assert result["iterations"] == 1
    assert result["model"] == "deepseek/deepseek-chat-v3.1:free"
    assert result["code_path"] == str(out)
    assert result["tests_path"] == str(out.parent / "test_calc.py")
    assert not [f for f in result["findings"] if f["severity"] == "error"]
    assert result["usage"]["input_tokens"] > 0
    assert set(result["timings"]) >= {
        "generate",
        "validate",
        "refine",
        "generate_tests",
    }
    assert out.read_text() == GOOD_CODE
    assert (out.parent / "test_calc.py").read_text() == GOOD_TESTS
    # the refine prompt carried the structured finding about the undefined name
    refine_prompt = fake_llm.calls()[1].prompt
    assert "F821" in refine_prompt and "return a + c" in refine_prompt
    # the tests prompt names the module the tests must import
    assert "calc" in fake_llm.calls()[2].prompt
    assert len(fake_llm.calls()) == 3
    # progress went to stderr, the JSON alone to stdout
    assert "[validate]" in proc.stderr


def test_resuming_a_finished_run_refuses_and_runs_nothing(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    fake_llm.script(fenced(GOOD_CODE), fenced(GOOD_TESTS, "Tests:"))
    out = tmp_path / "calc.py"
    made = run_cli(
        "generate",
        "Add two integers.",
        "--out",
        out,
        "--thread-id",
        "done",
        config=config_file,
    )
    assert made.returncode == 0, made.stderr
    out.unlink()  # the user moved the file away since

    proc = run_cli("resume", "done", config=config_file)

    assert proc.returncode == 2, proc.stderr
    assert "run done already finished with status succeeded" in proc.stderr
    assert "tta-codegen runs show done" in proc.stderr
    assert "wrote code" not in proc.stderr
    assert not out.exists()
    assert len(fake_llm.calls()) == 2


def test_gates_that_never_pass_exit_1_with_the_findings(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    fake_llm.default = fenced(BUGGY_CODE)  # type: ignore[assignment]
    from tta_codegen.testing import Reply

    fake_llm.default = Reply(content=fenced(BUGGY_CODE))
    out = tmp_path / "calc.py"

    proc = run_cli(
        "generate",
        "Add two integers.",
        "--out",
        out,
        "--json",
        "--max-iterations",
        "1",
        config=config_file,
    )

    assert proc.returncode == 1, proc.stderr
    result = json.loads(proc.stdout)
    assert result["status"] == "failed"
    assert any(
        f["code"] == "F821" and f["severity"] == "error" for f in result["findings"]
    )
    assert not out.exists()
    assert len(fake_llm.calls()) <= 2


def test_unusable_answers_become_findings_not_crashes(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    from tta_codegen.testing import Reply

    fake_llm.default = Reply(content="I am sorry, I cannot write that.")
    proc = run_cli(
        "generate",
        "Add two integers.",
        "--out",
        tmp_path / "calc.py",
        "--json",
        "--max-iterations",
        "1",
        config=config_file,
    )
    assert proc.returncode == 1, proc.stderr
    result = json.loads(proc.stdout)
    assert [(f["gate"], f["code"]) for f in result["findings"]] == [
        ("answer", "refusal")
    ]
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["generate", ""], "the task is empty"),
        (["generate", "x", "--out", "/nonexistent-dir/calc.py"], "does not exist"),
        (["generate", "x", "--out", "calc.txt"], "must end in .py"),
        (["generate", "x", "--out", "my-mod.py"], "not a valid Python module name"),
        (["generate", "x", "--out", "class.py"], "a keyword: `import` cannot name it"),
        (["generate", "x", "--var", "a=b"], "only meaningful with --template"),
        (["generate", "x", "--model", "no/such-model"], "unknown model"),
        (["resume", "no-such-thread"], "no run with thread id"),
        (["resume", "t", "--approve", "--reject"], "exclude each other"),
    ],
)
def test_bad_input_exits_2_with_one_clear_line(
    config_file: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    proc = run_cli(*args, config=config_file, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr


def test_broken_config_file_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "tta-codegen.toml"
    bad.write_text("[generation]\nmax_iterations = 'many'\n")
    proc = run_cli("generate", "x", config=bad)
    assert proc.returncode == 2
    assert "generation.max_iterations" in proc.stderr
    assert "Traceback" not in proc.stderr
    bad.write_text("[generation\n")
    proc = run_cli("runs", "list", config=bad)
    assert proc.returncode == 2 and "not valid TOML" in proc.stderr
    proc = run_cli("runs", "list", config=tmp_path / "missing.toml")
    assert proc.returncode == 2 and "not found" in proc.stderr


def test_missing_api_key_exits_2_naming_the_variable(
    fake_llm: FakeOpenAIServer,
    config_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OPENROUTER_API_KEY")
    proc = run_cli("generate", "Add two integers.", config=config_file)
    assert proc.returncode == 2, proc.stderr
    assert "OPENROUTER_API_KEY" in proc.stderr
    assert not fake_llm.calls()


def test_runs_list_and_show(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    fake_llm.script(fenced(GOOD_CODE), fenced(GOOD_TESTS))
    proc = run_cli(
        "generate",
        "Add two integers.",
        "--out",
        tmp_path / "calc.py",
        "--thread-id",
        "first-run",
        "--json",
        config=config_file,
    )
    assert proc.returncode == 0, proc.stderr

    listing = run_cli("runs", "list", config=config_file)
    assert listing.returncode == 0, listing.stderr
    assert "first-run" in listing.stdout and "succeeded" in listing.stdout

    shown = run_cli("runs", "show", "first-run", "--json", config=config_file)
    assert json.loads(shown.stdout)["status"] == "succeeded"

    history = run_cli("runs", "history", "first-run", config=config_file)
    assert history.returncode == 0
    for node in ("select_model", "generate", "validate", "write_output"):
        assert node in history.stdout

    again = run_cli("generate", "x", "--thread-id", "first-run", config=config_file)
    assert again.returncode == 2 and "already exists" in again.stderr


def test_a_checkpoint_from_a_newer_version_is_refused_clearly(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    import asyncio

    from tta_codegen import Codegen, Settings

    fake_llm.script(fenced(GOOD_CODE), fenced(GOOD_TESTS))
    proc = run_cli(
        "generate",
        "Add two integers.",
        "--review",
        "--thread-id",
        "future",
        "--out",
        tmp_path / "calc.py",
        "--json",
        config=config_file,
    )
    assert proc.returncode == 0, proc.stdout

    async def from_the_future() -> None:
        async with Codegen.open(Settings.load(config_file)) as session:
            await session.graph.aupdate_state(
                session.config("future"), {"schema_version": 99}
            )

    asyncio.run(from_the_future())
    resumed = run_cli("resume", "future", "--approve", config=config_file)
    assert resumed.returncode == 2
    assert "schema v99 is newer" in resumed.stderr
    assert "Traceback" not in resumed.stderr
    listing = run_cli("runs", "list", config=config_file)
    assert listing.returncode == 0 and "unreadable" in listing.stdout


def test_a_user_template_from_the_root_config_drives_generate(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "templates" / "versions" / "v1"
    folder.mkdir(parents=True)
    (folder / "adder.yaml").write_text(
        "name: adder\nversion: 1\ncategory: agent_orchestration\n"
        "description: integer adder\ncontext_types: [agent_orchestration]\n"
        "variables: {width: {type: int, required: true}}\nsystem: be brief\n"
        "body: |\n  Add two {{ width }}-bit integers.\n"
    )
    config_file.write_text(
        config_file.read_text()
        + f'\n[templates]\ndirs = ["{tmp_path / "templates"}"]\n'
    )

    listed = run_cli("templates", "list", "--json", config=config_file)
    assert listed.returncode == 0, listed.stderr
    assert "adder" in [t["name"] for t in json.loads(listed.stdout)]

    missing = run_cli("generate", "--template", "adder", config=config_file)
    assert missing.returncode == 2 and "width" in missing.stderr

    fake_llm.script(fenced(GOOD_CODE), fenced(GOOD_TESTS))
    proc = run_cli(
        "generate",
        "--template",
        "adder",
        "--var",
        "width=32",
        "--out",
        tmp_path / "calc.py",
        "--json",
        config=config_file,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Add two 32-bit integers." in fake_llm.calls()[0].prompt
    assert json.loads(proc.stdout)["status"] == "succeeded"


def test_review_through_the_cli_approves_an_edited_file(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    fake_llm.script(fenced(GOOD_CODE), fenced(GOOD_TESTS))
    out = tmp_path / "calc.py"
    paused = run_cli(
        "generate",
        "Add two integers.",
        "--out",
        out,
        "--review",
        "--thread-id",
        "rv",
        config=config_file,
    )
    assert paused.returncode == 0, paused.stderr
    assert "resume rv --approve" in paused.stderr
    assert not out.exists()

    edited = tmp_path / "edited.py"
    edited.write_text("def add(a: int, b: int) -> int:\n  return a +\n")
    broken = run_cli("resume", "rv", "--approve", "--code", edited, config=config_file)
    assert broken.returncode == 2
    assert f"--code {edited} is not valid Python (line 2" in broken.stderr
    assert not out.exists()  # nothing written; the run still awaits review

    edited.write_text(GOOD_CODE + "\n\nVERSION = 3\n")
    approved = run_cli(
        "resume", "rv", "--approve", "--code", edited, "--json", config=config_file
    )
    assert approved.returncode == 0, approved.stderr
    assert json.loads(approved.stdout)["status"] == "succeeded"
    assert out.read_text() == edited.read_text()
    plain = run_cli("resume", "rv", "--reject", config=config_file)
    assert plain.returncode == 2 and "not awaiting review" in plain.stderr


def test_without_out_the_code_goes_to_stdout_and_nothing_is_written(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    fake_llm.script(
        fenced(GOOD_CODE), fenced(GOOD_TESTS.replace("from calc", "from generated"))
    )
    proc = run_cli(
        "generate", "Add two integers.", "--quiet", config=config_file, cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == GOOD_CODE
    assert "import generated" in fake_llm.calls()[1].prompt or (
        "from generated" in fake_llm.calls()[1].prompt
    )
    assert not list(tmp_path.glob("*.py"))
