"""edit: the first change to the existing files of an edit run."""

from __future__ import annotations

from langgraph.runtime import Runtime

from tta_codegen.context.render import render_context
from tta_codegen.nodes._edits import ask_for_edits, file_items
from tta_codegen.runtime import RunContext
from tta_codegen.state import CodegenState, ContextBundle

TEMPLATE = "graph/edit"


async def edit(state: CodegenState, runtime: Runtime[RunContext]) -> CodegenState:
    """Ask for edits to the named files (with the repository map and related
    code) and apply them; edits that do not apply become findings."""
    request = state["request"]
    context = state.get("context", ContextBundle())
    draft = await ask_for_edits(
        state,
        runtime,
        node="edit",
        template=TEMPLATE,
        variables={
            "task": request.task,
            "files": file_items(state.get("originals", {})),
            "repo_map": context.repo_map,
            "context": render_context(context) if context.chunks else "",
            "requirements": context.requirements,
        },
    )
    return {
        "files": draft.files,
        "draft_model": draft.calls[-1].model,
        "answer_findings": draft.findings,
        "code_is_new": draft.changed,
        "calls": draft.calls,
    }
