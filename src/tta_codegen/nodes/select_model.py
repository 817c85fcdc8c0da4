"""select_model: rank the candidate models for this task."""

from __future__ import annotations

from langgraph.runtime import Runtime

from tta_codegen.models import ModelRequirements
from tta_codegen.runtime import RunContext
from tta_codegen.state import CodegenState, RankedModel
from tta_codegen.tokens import estimate_tokens


def prefer(ranking: list[RankedModel], model: str) -> list[RankedModel]:
    """``model`` first when it is an eligible candidate; the rest keep their order."""
    chosen = [r for r in ranking if r.model == model and r.eligible]
    if not chosen:
        return ranking
    first = chosen[0].model_copy(
        update={"reasons": ("preferred (generation.default_model)", *chosen[0].reasons)}
    )
    return [first, *(r for r in ranking if r.model != model)]


async def select_model(
    state: CodegenState, runtime: Runtime[RunContext]
) -> CodegenState:
    """A pinned ``--model`` is the only candidate; otherwise the gateway ranks
    the catalog, with ``generation.default_model`` first when it qualifies."""
    request = state["request"]
    settings = runtime.context.settings
    if request.model is not None:
        ranking = [
            RankedModel(model=request.model, score=1.0, reasons=("pinned (--model)",))
        ]
    else:
        requirements = ModelRequirements.from_settings(
            settings,
            task_type=request.task_type,
            context_tokens_needed=estimate_tokens(request.task)
            + settings.context.token_budget,
        )
        ranking = await runtime.context.gateway.select(requirements)
        if settings.generation.default_model:
            ranking = prefer(ranking, settings.generation.default_model)
    runtime.stream_writer(
        {"event": "ranking", "models": [r.model for r in ranking if r.eligible]}
    )
    return {"ranking": ranking}
