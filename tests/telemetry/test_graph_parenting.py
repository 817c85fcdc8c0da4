"""Node spans made inside LangGraph nodes parent to the run span, for async
nodes, sync nodes (run in worker threads) and streamed runs alike."""

from __future__ import annotations

import asyncio
from typing import Any, TypedDict

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import END, START, StateGraph
from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
    InMemorySpanExporter,
)
from opentelemetry.trace import Tracer

from tta_codegen.telemetry import genai
from tta_codegen.telemetry.spans import node_span, run_span

pytestmark = pytest.mark.integration


class _State(TypedDict):
    n: int


def _graph(tracer: Tracer) -> Any:
    async def draft(state: _State) -> _State:
        with node_span(tracer, "draft", iteration=state["n"]):
            await asyncio.sleep(0)
        return {"n": state["n"] + 1}

    def check(state: _State) -> _State:
        with node_span(tracer, "check", iteration=state["n"]):
            return {"n": state["n"] + 1}

    builder = StateGraph(_State)
    builder.add_node("draft", draft)
    builder.add_node("check", check)
    builder.add_edge(START, "draft")
    builder.add_edge("draft", "check")
    builder.add_edge("check", END)
    return builder.compile(checkpointer=InMemorySaver())


async def test_node_spans_parent_to_the_run_span_through_langgraph(
    tracer: Tracer, span_exporter: InMemorySpanExporter
) -> None:
    graph = _graph(tracer)
    with run_span(tracer, thread_id="g1", task="x") as root:
        await graph.ainvoke({"n": 0}, {"configurable": {"thread_id": "g1"}})
    with run_span(tracer, thread_id="g2", task="x"):
        async for _ in graph.astream(
            {"n": 0}, {"configurable": {"thread_id": "g2"}}, stream_mode="updates"
        ):
            pass

    spans = span_exporter.get_finished_spans()
    roots = {s.context.span_id: s for s in spans if s.name == "codegen.run"}
    nodes = [s for s in spans if s.name.startswith("node ")]
    assert sorted(s.name for s in nodes) == ["node check"] * 2 + ["node draft"] * 2
    for node in nodes:
        assert node.parent is not None and node.parent.span_id in roots
        parent = roots[node.parent.span_id]
        assert node.context.trace_id == parent.context.trace_id
        assert node.attributes is not None and parent.attributes is not None
        assert (
            node.attributes[genai.TTA_THREAD_ID]
            == parent.attributes[genai.TTA_THREAD_ID]
        )
    assert root.get_span_context().span_id in roots
