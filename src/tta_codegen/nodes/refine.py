"""refine: a new draft of the code, or of the tests, built from the findings."""

from __future__ import annotations

from langgraph.runtime import Runtime

from tta_codegen.context.render import render_context
from tta_codegen.findings import Finding, Target, code_blocked, unique_by_fingerprint
from tta_codegen.naming import module_file_name, tests_file_name
from tta_codegen.nodes._edits import ask_for_edits, file_items
from tta_codegen.nodes._llm import ask_for_file
from tta_codegen.runtime import RunContext
from tta_codegen.state import CodegenState, ContextBundle, latest_findings

CODE_TEMPLATE = "graph/refine"
TESTS_TEMPLATE = "graph/refine_tests"
EDIT_TEMPLATE = "graph/refine_edit"


def _as_prompt_items(findings: list[Finding]) -> list[dict[str, object]]:
    return [
        f.model_dump(
            include={"gate", "severity", "code", "path", "line", "message", "target"}
        )
        for f in unique_by_fingerprint(findings)
    ]


def refine_target(findings: list[Finding]) -> Target:
    """Fix the code first; the tests only when the code itself is fine."""
    return "code" if code_blocked(findings) else "tests"


async def refine(state: CodegenState, runtime: Runtime[RunContext]) -> CodegenState:
    """One refinement round: ask for the corrected file (or, in an edit run, for
    edits that fix the findings), count the iteration."""
    request = state["request"]
    if request.is_edit:
        return await _refine_edit(state, runtime)
    findings = latest_findings(state)
    target = refine_target(findings)
    context = state.get("context", ContextBundle())
    relevant = [f for f in findings if f.target == target] or findings
    variables: dict[str, object] = {
        "task": request.task,
        "module_name": request.module_name,
        "code": state.get("code") or "",
        "findings": _as_prompt_items(relevant),
    }
    if target == "code":
        variables["context"] = render_context(context) if context.chunks else ""
        variables["requirements"] = context.requirements
    else:
        variables["tests"] = state.get("tests") or ""
    previous = state.get("code") if target == "code" else state.get("tests")
    draft = await ask_for_file(
        state,
        runtime,
        node="refine",
        template=CODE_TEMPLATE if target == "code" else TESTS_TEMPLATE,
        variables=variables,
        target=target,
        previous=previous,
    )
    path = (
        module_file_name(request.module_name)
        if target == "code"
        else tests_file_name(request.module_name)
    )
    update: CodegenState = {
        "iteration": state.get("iteration", 0) + 1,
        "calls": draft.calls,
        "answer_findings": draft.findings(path=path, target=target),
    }
    if draft.source is None:
        return update
    if target == "code":
        update["code"] = draft.source
        update["draft_model"] = draft.calls[-1].model
        update["code_is_new"] = True
    else:
        update["tests"] = draft.source
    return update


async def _refine_edit(
    state: CodegenState, runtime: Runtime[RunContext]
) -> CodegenState:
    findings = latest_findings(state)
    draft = await ask_for_edits(
        state,
        runtime,
        node="refine",
        template=EDIT_TEMPLATE,
        variables={
            "task": state["request"].task,
            "files": file_items(state.get("files", {})),
            "findings": _as_prompt_items(findings),
            "requirements": state.get("context", ContextBundle()).requirements,
        },
    )
    return {
        "iteration": state.get("iteration", 0) + 1,
        "files": draft.files,
        "draft_model": draft.calls[-1].model,
        "answer_findings": draft.findings,
        "code_is_new": draft.changed,
        "calls": draft.calls,
    }
