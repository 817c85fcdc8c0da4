"""review: optional human approval before anything is written."""

from __future__ import annotations

from langgraph.runtime import Runtime
from langgraph.types import interrupt

from tta_codegen.runtime import RunContext
from tta_codegen.state import CodegenState, ReviewDecision, latest_findings


async def review(state: CodegenState, runtime: Runtime[RunContext]) -> CodegenState:
    """Interrupt with the draft; resume with {"approved": bool, "code"?, "tests"?}.

    Everything before ``interrupt`` re-runs on resume, so this node does nothing
    else before it.
    """
    report = state.get("report")
    answer = interrupt(
        {
            "code": state.get("code") or "",
            "tests": state.get("tests") or "",
            "findings": [f.model_dump() for f in latest_findings(state)],
            "passed": bool(report and report.passed),
        }
    )
    decision = ReviewDecision.model_validate(answer)
    update: CodegenState = {"review_decision": decision}
    if decision.approved and decision.code is not None:
        update["code"] = decision.code
    if decision.approved and decision.tests is not None:
        update["tests"] = decision.tests
    return update
