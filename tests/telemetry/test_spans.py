"""Span tree shape and parenting of the run/node/gate/sandbox helpers."""

from __future__ import annotations

import asyncio

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
    InMemorySpanExporter,
)
from opentelemetry.trace import SpanKind, StatusCode, Tracer

from tta_codegen.telemetry import genai
from tta_codegen.telemetry.spans import (
    TTA_OUTCOME,
    gate_span,
    node_span,
    run_span,
    sandbox_span,
    set_outcome,
    span_ids,
)

pytestmark = pytest.mark.unit


def _parent_id(span: ReadableSpan) -> int | None:
    return span.parent.span_id if span.parent else None


def _one(exporter: InMemorySpanExporter, name: str) -> ReadableSpan:
    matches = [s for s in exporter.get_finished_spans() if s.name == name]
    assert len(matches) == 1, [s.name for s in exporter.get_finished_spans()]
    return matches[0]


async def test_run_node_gate_sandbox_tree_with_concurrent_tasks(
    tracer: Tracer, span_exporter: InMemorySpanExporter
) -> None:
    async def gate(name: str) -> None:
        with gate_span(tracer, name) as span:
            await asyncio.sleep(0.001 if name == "ruff" else 0)
            with sandbox_span(tracer, "pytest" if name == "pytest" else name):
                await asyncio.sleep(0)
            set_outcome(span, "passed")

    async def validate() -> None:
        with node_span(tracer, "validate", iteration=1) as span:
            # gates run as concurrent asyncio tasks; each must parent to this node
            await asyncio.gather(*(gate(g) for g in ("ruff", "mypy", "pytest")))
            set_outcome(span, "passed")

    async def generate() -> None:
        with node_span(tracer, "generate", iteration=0):
            await asyncio.sleep(0)

    async def one_run(thread_id: str) -> None:
        with run_span(tracer, thread_id=thread_id, task="write add(a, b)"):
            await generate()
            await asyncio.create_task(validate())

    # two runs at once in the same loop must not mix their trees
    await asyncio.gather(one_run("thread-a"), one_run("thread-b"))

    spans = span_exporter.get_finished_spans()
    assert len(spans) == 2 * (1 + 2 + 3 + 3)
    by_id = {s.context.span_id: s for s in spans}
    roots = [s for s in spans if s.parent is None]
    assert sorted(r.attributes[genai.TTA_THREAD_ID] for r in roots) == [
        "thread-a",
        "thread-b",
    ]
    assert {r.name for r in roots} == {"codegen.run"}
    assert all(r.attributes["tta.task"] == "write add(a, b)" for r in roots)
    for span in spans:
        if span.parent is None:
            continue
        parent = by_id[span.parent.span_id]
        # same trace, same thread as the parent, and the right kind of parent
        assert span.context.trace_id == parent.context.trace_id
        assert (
            span.attributes[genai.TTA_THREAD_ID]
            == parent.attributes[genai.TTA_THREAD_ID]
        )
        expected_parent = {
            "node": "codegen.run",
            "gate": "node validate",
            "sandbox": "gate " + span.name.split()[1],
        }[span.name.split()[0]]
        assert parent.name == expected_parent
    validate_spans = [s for s in spans if s.name == "node validate"]
    assert all(s.attributes[genai.TTA_NODE] == "validate" for s in validate_spans)
    assert all(s.attributes[genai.TTA_ITERATION] == 1 for s in validate_spans)
    assert all(s.attributes[TTA_OUTCOME] == "passed" for s in validate_spans)
    assert all(s.kind is SpanKind.INTERNAL for s in spans)


async def test_node_exception_is_recorded_and_reraised(
    tracer: Tracer, span_exporter: InMemorySpanExporter
) -> None:
    with (
        pytest.raises(RuntimeError),
        run_span(tracer, thread_id="t", task="x"),
        node_span(tracer, "generate", iteration=0),
    ):
        raise RuntimeError("model said no")
    node = _one(span_exporter, "node generate")
    assert node.status.status_code is StatusCode.ERROR
    assert "model said no" in (node.status.description or "")
    assert node.attributes[TTA_OUTCOME] == "error"
    (event,) = node.events
    assert event.name == "exception"
    assert event.attributes["exception.type"] == "RuntimeError"
    assert _one(span_exporter, "codegen.run").status.status_code is StatusCode.ERROR


async def test_cancelled_node_is_marked_cancelled_not_error(
    tracer: Tracer, span_exporter: InMemorySpanExporter
) -> None:
    async def slow() -> None:
        with node_span(tracer, "generate", iteration=0):
            await asyncio.sleep(10)

    task = asyncio.create_task(slow())
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    node = _one(span_exporter, "node generate")
    assert node.attributes[TTA_OUTCOME] == "cancelled"
    assert node.status.status_code is not StatusCode.ERROR


def test_resumed_run_continues_the_same_trace_and_links_back(
    tracer: Tracer, span_exporter: InMemorySpanExporter
) -> None:
    with run_span(tracer, thread_id="t1", task="task") as first:
        stored = span_ids(first)
    # an ambient span ("unrelated") must not become the resumed root's parent
    with (
        node_span(tracer, "unrelated", iteration=0),
        run_span(tracer, thread_id="t1", task="task", resume=stored) as second,
        node_span(tracer, "review", iteration=0),
    ):
        pass
    old_root, new_root = [
        s for s in span_exporter.get_finished_spans() if s.name == "codegen.run"
    ]
    assert trace.format_trace_id(new_root.context.trace_id) == stored[0]
    assert new_root.parent is not None and new_root.parent.is_remote
    assert trace.format_span_id(new_root.parent.span_id) == stored[1]
    assert [link.context.span_id for link in new_root.links] == [
        old_root.context.span_id
    ]
    assert new_root.attributes["tta.resumed"] is True
    review = _one(span_exporter, "node review")
    assert review.context.trace_id == old_root.context.trace_id
    assert _parent_id(review) == new_root.context.span_id
    assert span_ids(second)[0] == stored[0]


def test_resume_with_unusable_ids_starts_a_fresh_trace(
    tracer: Tracer, span_exporter: InMemorySpanExporter
) -> None:
    with run_span(tracer, thread_id="t", task="x", resume=("zz", "0")):
        pass
    root = _one(span_exporter, "codegen.run")
    assert root.parent is None
    assert root.links == ()
