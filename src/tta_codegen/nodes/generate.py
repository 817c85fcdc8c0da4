"""generate: the first draft of the module."""

from __future__ import annotations

from langgraph.runtime import Runtime

from tta_codegen.context.render import render_context
from tta_codegen.naming import module_file_name
from tta_codegen.nodes._llm import ask_for_python, unusable_answer
from tta_codegen.runtime import RunContext
from tta_codegen.state import CodegenState, ContextBundle

TEMPLATE = "graph/generate"


async def generate(state: CodegenState, runtime: Runtime[RunContext]) -> CodegenState:
    """Ask the best available model for the module; keep what it answered."""
    request = state["request"]
    context = state.get("context", ContextBundle())
    draft = await ask_for_python(
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
    )
    path = module_file_name(request.module_name)
    return {
        "code": draft.source,
        "draft_model": draft.result.call.model,
        "answer_findings": []
        if draft.source
        else [unusable_answer("generate", target="code", path=path)],
        "code_is_new": draft.source is not None,
        "calls": [draft.result.call],
    }
