"""Wrap every node with a span, a timing and started/finished progress events."""

from __future__ import annotations

import time
from typing import Protocol

from langgraph.runtime import Runtime
from opentelemetry.trace import Status, StatusCode

from tta_codegen.runtime import RunContext, context_for_server
from tta_codegen.state import CodegenState
from tta_codegen.telemetry.genai import TTA_ITERATION, TTA_NODE

__all__ = ["NodeFn", "instrumented"]


class NodeFn(Protocol):
    """A graph node: partial state update from state and run context."""

    async def __call__(
        self, state: CodegenState, *, runtime: Runtime[RunContext]
    ) -> CodegenState: ...


def instrumented(name: str, node: NodeFn) -> NodeFn:
    """``node`` inside a ``node {name}`` span, timed into ``state.timings``."""

    async def run(state: CodegenState, *, runtime: Runtime[RunContext]) -> CodegenState:
        if not isinstance(runtime.context, RunContext):
            runtime = runtime.override(context=await context_for_server())
        iteration = state.get("iteration", 0)
        runtime.stream_writer(
            {"event": "node_started", "node": name, "iteration": iteration}
        )
        started = time.perf_counter()
        with runtime.context.tracer.start_as_current_span(
            f"node {name}",
            attributes={TTA_NODE: name, TTA_ITERATION: iteration},
            record_exception=False,
        ) as span:
            try:
                update = await node(state, runtime=runtime)
            except Exception as exc:
                span.set_status(Status(StatusCode.ERROR, type(exc).__name__))
                raise
            seconds = time.perf_counter() - started
            report = update.get("report")
            if report is not None:
                span.set_attribute("tta.gates_passed", report.passed)
        runtime.stream_writer(
            {"event": "node_finished", "node": name, "seconds": seconds}
        )
        return {**update, "timings": {name: seconds}}

    run.__name__ = name
    return run
