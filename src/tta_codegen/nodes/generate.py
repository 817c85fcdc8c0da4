"""generate: the first draft of the module."""

from __future__ import annotations

from langgraph.runtime import Runtime

from tta_codegen.context.render import render_context
from tta_codegen.naming import module_file_name
from tta_codegen.nodes._llm import ask_for_file
from tta_codegen.runtime import RunContext
from tta_codegen.state import CodegenState, ContextBundle

TEMPLATE = "graph/generate"


async def generate(state: CodegenState, runtime: Runtime[RunContext]) -> CodegenState:
    """Ask the best available model for the module; keep what it answered (and
    tests, when the answer brought them along)."""
    request = state["request"]
    context = state.get("context", ContextBundle())
    draft = await ask_for_file(
        state,
        runtime,
        node="generate",
        template=TEMPLATE,
        variables={
            "task": request.task,
            "module_name": request.module_name,
            "context": render_context(context) if context.chunks else "",
            "requirements": context.requirements,
        },
        target="code",
    )
    update: CodegenState = {
        "code": draft.source,
        "draft_model": draft.calls[-1].model,
        "answer_findings": draft.findings(
            path=module_file_name(request.module_name), target="code"
        ),
        "code_is_new": draft.source is not None,
        "calls": draft.calls,
    }
    if draft.source is not None and draft.answer.tests is not None:
        update["tests"] = draft.answer.tests
    return update
