"""The one way nodes ask a model for a file: render, stream, read the answer.

An answer is read with ``tta_codegen.answers.read_module_answer`` (prose, several
blocks, partial answers, diffs, ...). An answer cut at the output token limit gets
one continuation request in the same node; what is still unusable becomes
findings the next refinement sees, never half a file gated as whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from langgraph.runtime import Runtime
from opentelemetry import trace

from tta_codegen.findings import Finding, Target
from tta_codegen.models import ChatMessage, ChatResult
from tta_codegen.models import candidates as ranked_ids
from tta_codegen.runtime import RunContext
from tta_codegen.state import CodegenState, LLMCall, models_down, usage_of

if TYPE_CHECKING:
    from tta_codegen.answers import ModuleAnswer

__all__ = ["Draft", "ask_for_file", "candidates", "chat"]

CONTINUE = (
    "Your answer was cut off at the output limit. Continue exactly where it "
    "stopped: send only the rest of the file, starting with the next character, "
    "in one ```python block."
)


@dataclass(frozen=True)
class Draft:
    """A model's answer read as the file asked for."""

    answer: ModuleAnswer
    calls: list[LLMCall]
    """Every call made for it (a continuation adds one)."""

    @property
    def source(self) -> str | None:
        """The complete file, or None when the answer could not be used."""
        return self.answer.source

    def findings(self, *, path: str, target: Target) -> list[Finding]:
        """What reading the answer found, as findings on ``path``."""
        return [n.finding(path=path, target=target) for n in self.answer.notes]


def candidates(state: CodegenState, limit: int) -> list[str]:
    """Models to try, best first: eligible ones from select_model's ranking,
    those this run already gave up on last (a failure is learned once a run,
    and recorded on the node's span)."""
    ranked = ranked_ids(state.get("ranking", []), limit)
    down = models_down(state.get("calls", []))
    if down:
        trace.get_current_span().set_attribute("tta.models_down", down)
    return [m for m in ranked if m not in down] + [m for m in ranked if m in down]


async def ask_for_file(
    state: CodegenState,
    runtime: Runtime[RunContext],
    *,
    node: str,
    template: str,
    variables: Mapping[str, object],
    target: Target,
    previous: str | None = None,
    module: str | None = None,
) -> Draft:
    """Render ``template``, stream the answer (tokens go to the custom stream)
    and read the file ``target`` out of it (``previous``: its current draft;
    ``module``: the import name tests must use, default the request's)."""
    ctx = runtime.context
    prompt = ctx.prompts.render(template, variables)
    messages = [ChatMessage("system", prompt.system), ChatMessage("user", prompt.user)]
    module = module or state["request"].module_name
    first = await chat(state, runtime, node, prompt.template_id, messages, [])
    answer = _read(first.text, first.call, module, previous, target)
    calls = [first.call]
    if answer.partial is not None and first.call.finish_reason == "length":
        follow = [
            *messages,
            ChatMessage("assistant", first.text),
            ChatMessage("user", CONTINUE),
        ]
        more = await chat(state, runtime, node, prompt.template_id, follow, calls)
        calls.append(more.call)
        joined = f"```python\n{answer.partial}{_continuation(more.text)}```"
        answer = _read(joined, more.call, module, previous, target)
    return Draft(answer, calls)


def _continuation(text: str) -> str:
    """The code of a continuation answer (inside its fence, when it has one)."""
    from tta_codegen.answers.fences import blocks, unterminated_block  # noqa: PLC0415

    found = blocks(text) or [b for b in [unterminated_block(text)] if b is not None]
    return found[0].text if found else text


def _read(
    text: str, call: LLMCall, module: str, previous: str | None, target: Target
) -> ModuleAnswer:
    # the reader loads once the first answer is in, after the request has left
    from tta_codegen.answers import read_module_answer  # noqa: PLC0415

    return read_module_answer(
        text,
        module_name=module,
        previous=previous,
        finish_reason=call.finish_reason,
        target=target,
    )


async def chat(
    state: CodegenState,
    runtime: Runtime[RunContext],
    node: str,
    template: str,
    messages: list[ChatMessage],
    earlier: list[LLMCall],
) -> ChatResult:
    """One call for ``node`` with the run's candidates and budget (``earlier``:
    calls this node already made), its tokens streamed to the run's events."""
    ctx = runtime.context
    writer = runtime.stream_writer

    def on_token(text: str) -> None:
        writer({"event": "token", "node": node, "text": text})

    calls = [*state.get("calls", []), *earlier]
    return await ctx.gateway.chat(
        messages,
        candidates=candidates(state, ctx.settings.routing.max_candidates),
        node=node,
        template=template,
        run_spent=usage_of(calls).cost_usd,
        max_output_tokens=ctx.settings.generation.max_output_tokens,
        temperature=ctx.settings.generation.temperature,
        on_token=on_token,
    )
