"""select_model: rank the candidate models for this task."""

from __future__ import annotations

from langgraph.runtime import Runtime

from tta_codegen.models import ModelRequirements
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
        settings = runtime.context.settings
        requirements = ModelRequirements.from_settings(
            settings,
            task_type=request.task_type,
            context_tokens_needed=len(request.task) // 4
            + settings.context.token_budget,
        )
        ranking = await runtime.context.gateway.select(requirements)
    runtime.stream_writer(
        {"event": "ranking", "models": [r.model for r in ranking if r.eligible]}
    )
    return {"ranking": ranking}
