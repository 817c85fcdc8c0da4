"""select_model: rank the candidate models for this task."""

from __future__ import annotations

from langgraph.runtime import Runtime
from opentelemetry import trace

from tta_codegen.errors import ModelUnavailableError
from tta_codegen.models import ModelRequirements
from tta_codegen.runtime import RunContext
from tta_codegen.state import CodegenState, ModelChoice, RankedModel
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
    choice: ModelChoice = "ranked"
    if request.model is not None:
        choice = "pinned"
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
        preferred = settings.generation.default_model
        if preferred:
            ranking = prefer(ranking, preferred)
            if ranking[0].model == preferred and ranking[0].eligible:
                choice = "preferred"
    eligible = [r.model for r in ranking if r.eligible]
    if not eligible:  # stops here, resumable: later the breakers may have reset
        why = "; ".join(f"{r.model}: {r.reasons[0]}" for r in ranking if r.reasons)
        raise ModelUnavailableError(f"no model can be tried now: {why or 'none'}")
    span = trace.get_current_span()
    span.set_attribute("tta.model_choice", choice)
    span.set_attribute("tta.candidates", eligible)
    span.set_attribute(
        "tta.not_candidates",
        [f"{r.model}: {r.reasons[0]}" for r in ranking if not r.eligible],
    )
    runtime.stream_writer({"event": "ranking", "models": eligible})
    return {"ranking": ranking, "model_choice": choice}
