"""The one way nodes talk to a model: render a template, stream, parse."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from langgraph.runtime import Runtime
from opentelemetry import trace

from tta_codegen.findings import Finding
from tta_codegen.models import ChatMessage, ChatResult
from tta_codegen.models import candidates as ranked_ids
from tta_codegen.nodes.parse import extract_python
from tta_codegen.runtime import RunContext
from tta_codegen.state import CodegenState, models_down, usage_of

__all__ = ["Draft", "ask_for_python", "candidates", "unusable_answer"]


@dataclass(frozen=True)
class Draft:
    """A model's answer reduced to the Python it holds (None when unusable)."""

    source: str | None
    result: ChatResult


def candidates(state: CodegenState, limit: int) -> list[str]:
    """Models to try, best first: eligible ones from select_model's ranking,
    those this run already gave up on last (a failure is learned once a run,
    and recorded on the node's span)."""
    ranked = ranked_ids(state.get("ranking", []), limit)
    down = models_down(state.get("calls", []))
    if down:
        trace.get_current_span().set_attribute("tta.models_down", down)
    return [m for m in ranked if m not in down] + [m for m in ranked if m in down]


async def ask_for_python(
    state: CodegenState,
    runtime: Runtime[RunContext],
    *,
    node: str,
    template: str,
    variables: Mapping[str, object],
    prefer: str | None = None,
) -> Draft:
    """Render ``template``, stream the answer (tokens go to the custom stream),
    and extract the Python module from it."""
    ctx = runtime.context
    prompt = ctx.prompts.render(template, variables)
    writer = runtime.stream_writer

    def on_token(text: str) -> None:
        writer({"event": "token", "node": node, "text": text})

    messages = [ChatMessage("system", prompt.system), ChatMessage("user", prompt.user)]
    spent = usage_of(state.get("calls", [])).cost_usd
    result = await ctx.gateway.chat(
        messages,
        candidates=candidates(state, ctx.settings.routing.max_candidates),
        node=node,
        template=prompt.template_id,
        run_spent=spent,
        max_output_tokens=ctx.settings.generation.max_output_tokens,
        temperature=ctx.settings.generation.temperature,
        on_token=on_token,
    )
    return Draft(source=extract_python(result.text, prefer=prefer), result=result)


def unusable_answer(node: str, *, target: str, path: str) -> Finding:
    """The finding recorded when an answer holds no usable Python."""
    return Finding(
        gate="parse",
        severity="error",
        code="no-python",
        message=(
            f"the {node} answer held no Python module; answer with the complete "
            "file in one ```python fenced block"
        ),
        path=path,
        target="tests" if target == "tests" else "code",
    )
