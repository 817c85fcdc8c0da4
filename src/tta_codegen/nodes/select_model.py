"""select_model: rank the candidate models for this task."""

from __future__ import annotations

from langgraph.runtime import Runtime

from tta_codegen.models.selection import ModelRequirements
from tta_codegen.runtime import RunContext
from tta_codegen.state import CodegenState, RankedModel


async def select_model(
    state: CodegenState, runtime: Runtime[RunContext]
) -> CodegenState:
    """A forced ``--model`` wins; otherwise the gateway ranks the catalog."""
    request = state["request"]
    if request.model is not None:
        ranking = [RankedModel(model=request.model, score=1.0, reasons=("--model",))]
    else:
        routing = runtime.context.settings.routing
        requirements = ModelRequirements(
            task_type=request.task_type,
            max_latency_ms=routing.max_latency_ms,
            min_quality_score=routing.min_quality_score,
            prefer_free=routing.prefer_free,
            context_tokens_needed=len(request.task) // 4
            + runtime.context.settings.context.token_budget,
        )
        ranking = await runtime.context.gateway.select(requirements)
    runtime.stream_writer(
        {"event": "ranking", "models": [r.model for r in ranking if r.eligible]}
    )
    return {"ranking": ranking}
