"""generate_tests: pytest tests for code that passed its gates."""

from __future__ import annotations

from pathlib import Path

from langgraph.runtime import Runtime

from tta_codegen.naming import tests_file_name
from tta_codegen.nodes._edit_tests import import_name, new_tests_path
from tta_codegen.nodes._edits import change_diff
from tta_codegen.nodes._llm import ask_for_file
from tta_codegen.runtime import RunContext
from tta_codegen.state import CodegenState

TEMPLATE = "graph/generate_tests"
EDIT_TEMPLATE = "graph/edit_tests"


async def generate_tests(
    state: CodegenState, runtime: Runtime[RunContext]
) -> CodegenState:
    """Ask for tests that import the module by its name (from --out); in an edit
    run, for a new test file that proves the change."""
    request = state["request"]
    if request.is_edit:
        return await _tests_for_change(state, runtime)
    draft = await ask_for_file(
        state,
        runtime,
        node="generate_tests",
        template=TEMPLATE,
        variables={
            "task": request.task,
            "module_name": request.module_name,
            "code": state.get("code") or "",
            "existing_tests": request.existing_tests or "",
        },
        target="tests",
    )
    return {
        "tests": draft.source,
        "answer_findings": draft.findings(
            path=tests_file_name(request.module_name), target="tests"
        ),
        "calls": draft.calls,
    }


async def _tests_for_change(
    state: CodegenState, runtime: Runtime[RunContext]
) -> CodegenState:
    request = state["request"]
    assert request.root is not None
    originals = state.get("originals", {})
    changed = [
        path
        for path, text in sorted(state.get("files", {}).items())
        if text != originals.get(path) and path.endswith(".py")
    ]
    tests_path = new_tests_path(
        Path(request.root),
        changed,
        runtime.context.thread_id,
        new_package=not request.edit_files,
    )
    draft = await ask_for_file(
        state,
        runtime,
        node="generate_tests",
        template=EDIT_TEMPLATE,
        variables={
            "task": request.task,
            "diff": change_diff(state),
            "tests_path": tests_path,
            "imports": [import_name(p) for p in changed],
        },
        target="tests",
        module=import_name(changed[0]).split(".")[0] if changed else None,
    )
    update: CodegenState = {
        "answer_findings": draft.findings(path=tests_path, target="tests"),
        "calls": draft.calls,
    }
    if draft.source is not None:
        update["files"] = {**state.get("files", {}), tests_path: draft.source}
    return update
