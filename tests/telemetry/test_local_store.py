"""Each thread's spans land in its own small file and read back intact."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from opentelemetry.trace import SpanKind

from tta_codegen.settings import Settings
from tta_codegen.telemetry import genai
from tta_codegen.telemetry.local_store import load_trace, trace_path
from tta_codegen.telemetry.setup import setup_tracing
from tta_codegen.telemetry.spans import node_span, run_span, set_outcome, span_ids

pytestmark = pytest.mark.integration

SECRET = "sk-or-v1-" + "9d8c7b6a5f" * 6


def _settings(tmp_path: Path, **telemetry: bool) -> Settings:
    return Settings.load(state_dir=tmp_path / "state", telemetry=telemetry)


async def test_round_trip_groups_spans_by_thread(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    handle = setup_tracing(settings)
    tracer = handle.tracer()

    async def one_run(thread_id: str) -> None:
        with (
            run_span(tracer, thread_id=thread_id, task="add two numbers"),
            node_span(tracer, "generate", iteration=0) as node,
        ):
            # the LLM span the model layer makes with the plain API
            with tracer.start_as_current_span("chat m1", kind=SpanKind.CLIENT) as chat:
                chat.set_attribute(genai.GEN_AI_USAGE_INPUT_TOKENS, 120)
                chat.set_attribute(genai.GEN_AI_USAGE_OUTPUT_TOKENS, 45)
                chat.set_attribute(genai.TTA_COST_USD, 0.00125)
                chat.add_event("fallback", {"error": f"401 key {SECRET}"})
                await asyncio.sleep(0)
            set_outcome(node, "drafted")

    await asyncio.gather(one_run("thread-a"), one_run("thread/b:odd id"))
    handle.shutdown()

    a = load_trace(settings.state_dir, "thread-a")
    b = load_trace(settings.state_dir, "thread/b:odd id")
    assert [r.name for r in a] == ["codegen.run", "node generate", "chat m1"]
    assert [r.name for r in b] == ["codegen.run", "node generate", "chat m1"]
    assert {r.trace_id for r in a}.isdisjoint({r.trace_id for r in b})
    root, node, chat = a
    assert root.parent_span_id is None
    assert node.parent_span_id == root.span_id
    assert chat.parent_span_id == node.span_id
    assert chat.kind == "CLIENT"
    assert chat.attributes[genai.GEN_AI_USAGE_INPUT_TOKENS] == 120
    assert chat.attributes[genai.TTA_COST_USD] == 0.00125
    assert chat.attributes[genai.TTA_THREAD_ID] == "thread-a"
    assert node.attributes["tta.outcome"] == "drafted"
    assert chat.events[0].name == "fallback"
    assert chat.duration_s >= 0
    # odd thread ids get a safe file name inside traces/
    odd = trace_path(settings.state_dir, "thread/b:odd id")
    assert odd.parent == settings.state_dir / "traces" and odd.is_file()
    text = "".join(p.read_text() for p in odd.parent.iterdir())
    assert SECRET not in text


def test_resumed_run_appends_to_the_same_file(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    handle = setup_tracing(settings)
    with run_span(handle.tracer(), thread_id="t1", task="x") as first:
        stored = span_ids(first)
    handle.shutdown()
    with (
        setup_tracing(settings) as handle,
        run_span(handle.tracer(), thread_id="t1", task="x", resume=stored),
    ):
        pass
    records = load_trace(settings.state_dir, "t1")
    assert [r.name for r in records] == ["codegen.run", "codegen.run"]
    assert {r.trace_id for r in records} == {stored[0]}
    assert records[1].parent_span_id == stored[1]


def test_no_local_file_when_local_spans_is_off(tmp_path: Path) -> None:
    settings = _settings(tmp_path, local_spans=False)
    handle = setup_tracing(settings)
    with run_span(handle.tracer(), thread_id="t1", task="x"):
        pass
    handle.shutdown()
    assert handle.exporters == []
    assert load_trace(settings.state_dir, "t1") == []


def test_spans_without_a_thread_are_not_kept(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    handle = setup_tracing(settings)
    with handle.tracer().start_as_current_span("orphan"):
        pass
    handle.shutdown()
    assert not (settings.state_dir / "traces").exists()


def test_torn_last_line_is_ignored(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    handle = setup_tracing(settings)
    with run_span(handle.tracer(), thread_id="t1", task="x"):
        pass
    handle.shutdown()
    path = trace_path(settings.state_dir, "t1")
    with path.open("a") as handle_file:
        handle_file.write('{"name": "codegen.ru')
    assert [r.name for r in load_trace(settings.state_dir, "t1")] == ["codegen.run"]
