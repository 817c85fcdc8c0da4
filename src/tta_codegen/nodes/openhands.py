"""openhands: hand a complex task (or a stalled one) to an OpenHands agent.

Reached only when ``[openhands] enabled = true`` (see ADR-001). The agent runs
in a watched subprocess; what it writes flows into validate like any draft.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from langgraph.runtime import Runtime

from tta_codegen.context.render import render_context
from tta_codegen.errors import ModelUnavailableError
from tta_codegen.findings import Finding
from tta_codegen.models import Catalog, api_key
from tta_codegen.nodes._llm import candidates
from tta_codegen.runtime import RunContext
from tta_codegen.state import CodegenState, ContextBundle, LLMCall, latest_findings

if TYPE_CHECKING:
    from tta_codegen.openhands.job import OpenHandsResult


def _no_module(result: OpenHandsResult, module_name: str) -> Finding:
    return Finding(
        gate="openhands",
        severity="error",
        code=result.stopped_by or result.status,
        message=f"OpenHands produced no {module_name}.py ({result.status}): "
        f"{result.message}",
        path=f"{module_name}.py",
    )


async def openhands(state: CodegenState, runtime: Runtime[RunContext]) -> CodegenState:
    """Run one watched OpenHands conversation with the run's best model."""
    settings = runtime.context.settings
    request = state["request"]
    ids = candidates(state, settings.routing.max_candidates)
    if not ids:
        raise ModelUnavailableError("no eligible model to run OpenHands with")
    entry = Catalog(settings).get(ids[0])
    provider = settings.provider(entry.provider)
    context = state.get("context", ContextBundle())
    from tta_codegen.openhands.job import OpenHandsJob  # noqa: PLC0415 - only when routed here

    job = OpenHandsJob(
        task=request.task,
        module_name=request.module_name,
        model=entry.id,
        base_url=provider.base_url,
        api_key=api_key(entry.provider, provider),
        context_text=render_context(context) if context.chunks else "",
        requirements=context.requirements,
        best_draft=state.get("code") or None,
        findings=latest_findings(state),
        input_cost_per_mtok=entry.input_cost_per_mtok,
        output_cost_per_mtok=entry.output_cost_per_mtok,
        extra_headers=provider.headers,
    )
    from tta_codegen.openhands.runner import run_openhands  # noqa: PLC0415

    result = await run_openhands(job, settings=settings.openhands)
    call = LLMCall(
        node="openhands",
        model=entry.id,
        provider=entry.provider,
        template="openhands-conversation",
        latency_ms=result.elapsed_s * 1000,
        input_tokens=result.input_tokens,
        output_tokens=result.output_tokens,
        cost_usd=result.cost_usd,
        finish_reason=result.stopped_by or result.status,
    )
    update: CodegenState = {
        "escalated": True,
        "draft_model": entry.id,
        "calls": [call],
        "answer_findings": []
        if result.code
        else [_no_module(result, request.module_name)],
    }
    if result.code:
        update["code"] = result.code
        update["code_is_new"] = True
    if result.tests:
        update["tests"] = result.tests
    return update
