"""The programmatic API: generate, stream, resume, review; in-process."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from tests.samples import (
    BUGGY_CODE,
    GOOD_CODE,
    GOOD_TESTS,
    REFINED_RUN_NODES,
    fenced,
)

from tta_codegen import Codegen, CodegenRequest, Settings
from tta_codegen.api import generate, resume, stream
from tta_codegen.errors import InputError
from tta_codegen.events import (
    FindingFound,
    NodeFinished,
    NodeStarted,
    RunFinished,
    TokenStreamed,
    UsageUpdated,
)
from tta_codegen.state import ReviewDecision
from tta_codegen.testing import FakeOpenAIServer, Reply

pytestmark = pytest.mark.e2e


def request(tmp_path: Path, **extra: object) -> CodegenRequest:
    return CodegenRequest(
        task="Add two integers.",
        module_name="calc",
        out_path=str(tmp_path / "calc.py"),
        tests_out_path=str(tmp_path / "test_calc.py"),
        **extra,
    )


async def test_generate_returns_the_result_and_writes_files(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    fake_llm.script(fenced(BUGGY_CODE), fenced(GOOD_CODE), fenced(GOOD_TESTS))
    result = await generate(
        request(tmp_path), settings=Settings.load(config_file), thread_id="api-1"
    )
    assert result.status == "succeeded" and result.exit_code == 0
    assert result.thread_id == "api-1"
    assert [c.node for c in result.calls] == ["generate", "refine", "generate_tests"]
    assert (tmp_path / "calc.py").read_text() == GOOD_CODE


async def test_stream_yields_typed_events_in_order(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    fake_llm.script(fenced(BUGGY_CODE), fenced(GOOD_CODE), fenced(GOOD_TESTS))
    events = [
        e async for e in stream(request(tmp_path), settings=Settings.load(config_file))
    ]

    assert isinstance(events[-1], RunFinished)
    assert events[-1].result.status == "succeeded"
    started = [e.node for e in events if isinstance(e, NodeStarted)]
    assert started == REFINED_RUN_NODES
    # every node that started also finished, in the same order
    assert started == [e.node for e in events if isinstance(e, NodeFinished)]
    streamed = "".join(
        e.text for e in events if isinstance(e, TokenStreamed) and e.node == "generate"
    )
    assert streamed == fenced(BUGGY_CODE)
    # the undefined-name finding arrives between the first validate and refine
    first_finding = next(i for i, e in enumerate(events) if isinstance(e, FindingFound))
    refine_at = next(
        i
        for i, e in enumerate(events)
        if isinstance(e, NodeStarted) and e.node == "refine"
    )
    assert first_finding < refine_at
    usage = [e.usage for e in events if isinstance(e, UsageUpdated)]
    assert len(usage) == 3
    assert usage[0].input_tokens < usage[-1].input_tokens


async def test_cancelled_run_resumes_without_repeating_finished_calls(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    settings = Settings.load(config_file)
    fake_llm.script(
        fenced(BUGGY_CODE),
        Reply(content=fenced(GOOD_CODE), delay_s=30),  # refine hangs: we cancel
        fenced(GOOD_CODE),
        fenced(GOOD_TESTS),
    )

    async def run() -> None:
        async with Codegen.open(settings) as session:
            await session.run(request(tmp_path), thread_id="cancel-me")

    task = asyncio.create_task(run())
    while len(fake_llm.calls()) < 2:
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    async with Codegen.open(settings) as session:
        paused = await session.result("cancel-me")
    assert paused.status == "interrupted"

    result = await resume("cancel-me", settings=settings)

    assert result.status == "succeeded"
    # generate ran once; refine twice (cancelled, then again); tests once
    assert len(fake_llm.calls()) == 4
    assert [c.node for c in result.calls] == ["generate", "refine", "generate_tests"]


async def test_resuming_a_finished_run_returns_its_result_and_runs_nothing(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    settings = Settings.load(config_file)
    fake_llm.script(fenced(GOOD_CODE), fenced(GOOD_TESTS))
    first = await generate(request(tmp_path), settings=settings, thread_id="ended")

    async with Codegen.open(settings) as session:
        events = [e async for e in session.events(thread_id="ended")]
        with pytest.raises(InputError, match="not awaiting review"):
            await session.run(thread_id="ended", decision=ReviewDecision(approved=True))

    assert events == [RunFinished(first, ended_before=True)]
    assert (await resume("ended", settings=settings)) == first
    assert len(fake_llm.calls()) == 2


async def test_review_approve_with_edited_code_writes_the_edit(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    settings = Settings.load(config_file)
    fake_llm.script(fenced(GOOD_CODE), fenced(GOOD_TESTS))
    paused = await generate(
        request(tmp_path, review=True), settings=settings, thread_id="rev-1"
    )
    assert paused.status == "awaiting_review"
    assert not (tmp_path / "calc.py").exists()

    edited = GOOD_CODE + "\n\nVERSION = 2\n"
    done = await resume(
        "rev-1", settings=settings, decision=ReviewDecision(approved=True, code=edited)
    )
    assert done.status == "succeeded"
    assert (tmp_path / "calc.py").read_text() == edited
    assert (tmp_path / "test_calc.py").read_text() == GOOD_TESTS
    assert len(fake_llm.calls()) == 2


async def test_review_reject_writes_nothing(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    settings = Settings.load(config_file)
    fake_llm.script(fenced(GOOD_CODE), fenced(GOOD_TESTS))
    await generate(request(tmp_path, review=True), settings=settings, thread_id="rev-2")
    done = await resume(
        "rev-2", settings=settings, decision=ReviewDecision(approved=False)
    )
    assert done.status == "failed" and done.exit_code == 1
    assert done.error == "rejected in review"
    assert not (tmp_path / "calc.py").exists()


async def test_all_models_failing_is_exit_3_and_resumable(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    settings = Settings.load(config_file)
    fake_llm.default = Reply(status=400, content="model does not exist")
    failed = await generate(request(tmp_path), settings=settings, thread_id="dead")
    assert failed.status == "interrupted" and failed.exit_code == 3
    assert failed.error and failed.error_kind == "model"
    async with Codegen.open(settings) as session:  # as `runs show` sees it later
        assert (await session.result("dead")).status == "interrupted"

    fake_llm.default = Reply(content=fenced(GOOD_TESTS))
    fake_llm.script(fenced(GOOD_CODE))
    recovered = await resume("dead", settings=settings)
    assert recovered.status == "succeeded"


async def test_fork_a_failed_run_with_another_model_and_more_rounds(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    settings = Settings.load(config_file)
    fake_llm.default = Reply(content=fenced(BUGGY_CODE))
    failed = await generate(
        request(tmp_path, max_iterations=0), settings=settings, thread_id="orig"
    )
    assert failed.status == "failed"
    calls_before = len(fake_llm.calls())

    fake_llm.script(
        fenced(GOOD_CODE), fenced(GOOD_TESTS), model="qwen/qwen3-coder:free"
    )
    async with Codegen.open(settings) as session:
        forked = await session.fork(
            "orig",
            new_thread_id="fork",
            model="qwen/qwen3-coder:free",
            max_iterations=1,
        )
        original = await session.result("orig")

    assert forked.status == "succeeded"
    assert forked.model == "qwen/qwen3-coder:free"
    assert [c.node for c in forked.calls] == ["generate", "refine", "generate_tests"]
    assert len(fake_llm.calls("qwen/qwen3-coder:free")) == 2
    assert len(fake_llm.calls()) == calls_before + 2
    assert original.status == "failed"
    assert (tmp_path / "calc.py").read_text() == GOOD_CODE


async def test_tokens_reach_the_caller_while_the_answer_is_still_streaming(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    slow = Reply(content=fenced(GOOD_CODE), chunk_size=8, chunk_delay_s=0.05)
    fake_llm.script(slow, fenced(GOOD_TESTS))
    chunks = len(slow.content) // slow.chunk_size
    seen: list[float] = []
    async for event in stream(request(tmp_path), settings=Settings.load(config_file)):
        if isinstance(event, TokenStreamed) and event.node == "generate":
            seen.append(asyncio.get_running_loop().time())
    assert len(seen) >= chunks
    # the first piece arrived long before the last: nothing buffers the stream
    assert seen[-1] - seen[0] > 0.5 * chunks * slow.chunk_delay_s


async def test_cancel_mid_stream_stops_the_call_and_stays_resumable(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    settings = Settings.load(config_file)
    endless = Reply(content=fenced(GOOD_CODE) * 50, chunk_size=4, chunk_delay_s=0.05)
    fake_llm.script(endless, fenced(GOOD_CODE), fenced(GOOD_TESTS))
    tokens = 0

    async def consume() -> None:
        nonlocal tokens
        async for event in stream(
            request(tmp_path), settings=settings, thread_id="mid"
        ):
            if isinstance(event, TokenStreamed):
                tokens += 1

    task = asyncio.create_task(consume())
    while tokens < 3:
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert tokens < 20  # stopped promptly, not after the whole answer

    result = await resume("mid", settings=settings)
    assert result.status == "succeeded"
    assert len(fake_llm.calls()) == 3
