"""generate, edit, resume and run_status through an MCP client session: the
first test over stdio to a real ``tta-codegen mcp`` process, the rest in memory."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from tests.mcp_server.helpers import mcp_session, stdio_session, structured
from tests.samples import (
    BUGGY_CODE,
    GOOD_CODE,
    GOOD_TESTS,
    REFINED_RUN_NODES,
    fenced,
)

from tta_codegen.testing import FakeOpenAIServer, RecordedRequest, Reply

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

TOOLS = {
    "generate",
    "edit",
    "resume",
    "run_status",
    "validate",
    "list_templates",
    "list_models",
}


async def test_lists_the_tools_with_their_schemas(
    config_file: Path, tmp_path: Path
) -> None:
    async with stdio_session(config_file, tmp_path) as session:
        tools = {t.name: t for t in (await session.client.list_tools()).tools}

    assert set(tools) == TOOLS
    generate = tools["generate"]
    assert {"task", "out_path", "model", "review", "wait_s", "template_vars"} <= set(
        generate.input_schema["properties"]
    )
    assert generate.output_schema is not None
    assert "thread_id" in generate.output_schema["properties"]
    assert tools["run_status"].input_schema["required"] == ["thread_id"]


async def test_generate_reports_progress_per_node_and_writes_the_files(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    fake_llm.script(fenced(BUGGY_CODE), fenced(GOOD_CODE), fenced(GOOD_TESTS))
    progress: list[str] = []
    async with mcp_session(config_file, tmp_path) as session:
        report = structured(
            await session.call(
                "generate", progress, task="Add two integers.", out_path="calc.py"
            )
        )

    assert report["status"] == "succeeded"
    assert report["result"]["code_path"] == str(tmp_path / "calc.py")
    assert (tmp_path / "calc.py").read_text() == GOOD_CODE
    assert (tmp_path / "test_calc.py").read_text() == GOOD_TESTS
    assert report["code"] is None  # it is in the file
    assert report["usage"]["input_tokens"] > 0
    started = [m.split()[0] for m in progress if " started " in m]
    assert started == REFINED_RUN_NODES
    assert progress[0] == "select_model started (round 0)"
    assert progress[1].startswith("select_model finished in ")
    # the round counts refinements done: validate after refine is round 1
    assert progress.index("validate started (round 1)") > progress.index(
        "refine started (round 0)"
    )
    assert len(progress) == 2 * len(started)


async def test_review_is_answered_through_resume_with_edited_code(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    fake_llm.script(fenced(GOOD_CODE), fenced(GOOD_TESTS))
    edited = GOOD_CODE.replace("Return the sum", "Add")
    async with mcp_session(config_file, tmp_path) as session:
        paused = structured(
            await session.call(
                "generate", task="Add two integers.", out_path="calc.py", review=True
            )
        )
        assert paused["status"] == "awaiting_review"
        assert paused["code"] == GOOD_CODE and paused["tests"] == GOOD_TESTS
        assert "resume" in paused["next_step"]
        assert not (tmp_path / "calc.py").exists()

        done = structured(
            await session.call(
                "resume",
                thread_id=paused["thread_id"],
                decision="approve",
                code=edited,
            )
        )

    assert done["status"] == "succeeded"
    assert (tmp_path / "calc.py").read_text() == edited
    assert len(fake_llm.calls()) == 2  # resuming made no new LLM call


async def test_a_long_run_answers_running_then_run_status_follows_it(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    release = threading.Event()

    def slow_first_draft(request: RecordedRequest) -> Reply:
        release.wait(timeout=60)
        return Reply(content=fenced(GOOD_CODE))

    fake_llm.responder = slow_first_draft
    async with mcp_session(config_file, tmp_path) as session:
        started = structured(
            await session.call("generate", task="Add two integers.", wait_s=0)
        )
        assert started["status"] == "running"
        thread = started["thread_id"]
        assert "run_status" in started["next_step"]

        while not fake_llm.calls():  # the run reached its first LLM call
            await anyio_sleep()
        running = structured(await session.call("run_status", thread_id=thread))
        assert running["status"] == "running"
        assert running["node"] == "generate"
        assert running["result"] is None

        fake_llm.script(fenced(GOOD_TESTS.replace("from calc", "from generated")))
        release.set()
        progress: list[str] = []
        finished = structured(
            await session.call("run_status", progress, thread_id=thread, wait_s=120)
        )

    assert finished["status"] == "succeeded"
    assert finished["code"] is not None  # no out_path: the code is in the answer
    assert finished["result"]["thread_id"] == thread
    assert "write_output finished" in " ".join(progress)


async def anyio_sleep() -> None:
    import anyio

    await anyio.sleep(0.05)


async def test_edit_changes_existing_files_and_reports_the_diffs(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "calc.py").write_text(BUGGY_CODE)
    fake_llm.script(
        "calc.py\n```python\n<<<<<<< SEARCH\n    return a + c\n=======\n"
        "    return a + b\n>>>>>>> REPLACE\n```",
        fenced(GOOD_TESTS),
    )
    async with mcp_session(config_file, tmp_path) as session:
        report = structured(
            await session.call(
                "edit", [], task="Fix add: it must add a and b.", files=["calc.py"]
            )
        )
    assert report["status"] == "succeeded", report
    assert (tmp_path / "calc.py").read_text() == GOOD_CODE
    changes = {c["path"]: c for c in report["result"]["changes"]}
    assert changes["calc.py"]["kind"] == "modified"
    assert "-    return a + c\n+    return a + b\n" in changes["calc.py"]["diff"]
