"""route: decide between the direct path and the (postponed) OpenHands path."""

from __future__ import annotations

from langgraph.runtime import Runtime
from opentelemetry import trace

from tta_codegen.openhands.complexity import choose_route, classify_task
from tta_codegen.runtime import RunContext
from tta_codegen.state import CodegenState


async def route(state: CodegenState, runtime: Runtime[RunContext]) -> CodegenState:
    """Classify the task; record the route and why (the router edge reads it)."""
    request = state["request"]
    complexity = classify_task(
        request.task,
        template_category=request.template.split("/")[0] if request.template else None,
        context_paths=request.context_paths,
    )
    chosen, reason = choose_route(
        complexity, enabled=runtime.context.settings.openhands.enabled
    )
    span = trace.get_current_span()
    span.set_attribute("tta.route", chosen)
    span.set_attribute("tta.route_reason", reason)
    span.set_attribute("tta.complexity_score", complexity.score)
    runtime.stream_writer({"event": "route", "route": chosen, "reason": reason})
    return {"route": chosen, "route_reason": reason, "complexity": complexity.level}
