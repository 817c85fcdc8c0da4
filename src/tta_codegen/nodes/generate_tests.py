"""generate_tests: pytest tests for code that passed its gates."""

from __future__ import annotations

from langgraph.runtime import Runtime

from tta_codegen.naming import tests_file_name
from tta_codegen.nodes._llm import ask_for_file
from tta_codegen.runtime import RunContext
from tta_codegen.state import CodegenState

TEMPLATE = "graph/generate_tests"


async def generate_tests(
    state: CodegenState, runtime: Runtime[RunContext]
) -> CodegenState:
    """Ask for tests that import the module by its name (from --out)."""
    request = state["request"]
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
