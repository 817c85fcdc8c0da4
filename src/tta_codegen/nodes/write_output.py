"""write_output: write accepted files atomically and set the final status."""

from __future__ import annotations

from pathlib import Path

from langgraph.runtime import Runtime

from tta_codegen.files import atomic_write
from tta_codegen.runtime import RunContext
from tta_codegen.state import CodegenState

__all__ = ["write_output"]


async def write_output(
    state: CodegenState, runtime: Runtime[RunContext]
) -> CodegenState:
    """Succeeded: write code and tests where asked. Failed or rejected: write
    nothing (the draft and report stay in the checkpoint and the result)."""
    request = state["request"]
    decision = state.get("review_decision")
    report = state.get("report")
    if decision is not None and not decision.approved:
        return {
            "status": "failed",
            "error_kind": "review",
            "error": "rejected in review",
        }
    accepted = decision is not None or bool(report and report.passed)
    if not accepted:
        return {"status": "failed"}
    update: CodegenState = {"status": "succeeded"}
    code = state.get("code")
    if request.out_path and code is not None:
        atomic_write(Path(request.out_path), code)
        update["code_path"] = request.out_path
    tests = state.get("tests")
    if request.tests_out_path and tests:
        atomic_write(Path(request.tests_out_path), tests)
        update["tests_path"] = request.tests_out_path
    return update
