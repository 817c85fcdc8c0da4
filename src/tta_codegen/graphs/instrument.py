"""Wrap every node with a span, a timing and started/finished progress events."""

from __future__ import annotations

import time
from typing import Protocol

from langgraph.config import get_config
from langgraph.runtime import Runtime

from tta_codegen.runtime import RunContext, resources_for_server
from tta_codegen.state import CodegenState, typed
from tta_codegen.telemetry.spans import node_span, set_outcome

__all__ = ["NodeFn", "instrumented"]


class NodeFn(Protocol):
    """A graph node: partial state update from state and run context."""

    async def __call__(
        self, state: CodegenState, *, runtime: Runtime[RunContext]
    ) -> CodegenState: ...


def _outcome(update: CodegenState) -> str:
    report = update.get("report")
    if report is not None:
        return "passed" if report.passed else "findings"
    unusable = any(f.blocking for f in update.get("answer_findings", []))
    return "unusable_answer" if unusable else "ok"


async def _from_server(
    state: CodegenState, runtime: Runtime[RunContext]
) -> tuple[Runtime[RunContext], CodegenState]:
    """A run under LangGraph's own server: the process-wide resources, and the
    state with its values typed again (the server keeps checkpoints as JSON, so a
    resumed run reads back plain dicts)."""
    thread_id = str(get_config()["configurable"].get("thread_id", ""))
    context = RunContext(thread_id, await resources_for_server())
    return runtime.override(context=context), typed(state)


def instrumented(name: str, node: NodeFn) -> NodeFn:
    """``node`` inside a ``node {name}`` span, timed into ``state.timings``."""

    async def run(state: CodegenState, *, runtime: Runtime[RunContext]) -> CodegenState:
        if not isinstance(runtime.context, RunContext) or not runtime.context.resources:
            runtime, state = await _from_server(state, runtime)
        iteration = state.get("iteration", 0)
        runtime.stream_writer(
            {"event": "node_started", "node": name, "iteration": iteration}
        )
        started = time.perf_counter()
        with node_span(runtime.context.tracer, name, iteration=iteration) as span:
            update = await node(state, runtime=runtime)
            set_outcome(span, _outcome(update))
        seconds = time.perf_counter() - started
        runtime.stream_writer(
            {"event": "node_finished", "node": name, "seconds": seconds}
        )
        return {**update, "timings": {name: seconds}}

    run.__name__ = name
    return run
