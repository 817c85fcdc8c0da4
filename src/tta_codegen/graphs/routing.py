"""Pure routing functions: state in, the name of the next node out."""

from __future__ import annotations

from typing import Literal

from tta_codegen.findings import blocking, code_blocked, is_stalled
from tta_codegen.openhands.complexity import should_escalate
from tta_codegen.state import CodegenState, latest_findings, typed

__all__ = ["after_route", "after_validate"]

AfterValidate = Literal[
    "refine", "generate_tests", "review", "write_output", "openhands"
]


def after_route(state: CodegenState) -> Literal["generate", "edit", "openhands"]:
    """The route node has decided; follow it (an edit run always edits: the
    OpenHands path writes new modules only)."""
    if typed(state)["request"].is_edit:
        return "edit"
    return "openhands" if state.get("route") == "openhands" else "generate"


def _tests_asked_for(state: CodegenState) -> bool:
    """Tests exist, or generate_tests already asked for them (an unusable answer
    is then refined like any failing tests, within the rounds)."""
    return state.get("tests") is not None or any(
        call.node == "generate_tests" for call in state.get("calls", [])
    )


def after_validate(
    state: CodegenState, *, max_iterations: int, openhands_enabled: bool
) -> AfterValidate:
    """Where a validated draft goes next.

    - code blocking-free and no tests yet -> generate_tests
    - everything passes -> review (when asked for) or write_output
    - still failing: refine while iterations are left and the findings are not
      the same as last time; otherwise escalate a complex task to OpenHands
      (``should_escalate``) or give up with the report (write_output).
    """
    state = typed(state)
    request = state["request"]
    stop = blocking(latest_findings(state))
    if not code_blocked(stop) and not _tests_asked_for(state):
        return "generate_tests"
    if not stop:
        return "review" if request.review else "write_output"
    limit = (
        request.max_iterations if request.max_iterations is not None else max_iterations
    )
    left = limit - state.get("iteration", 0)
    stalled = is_stalled(state.get("finding_history", []))
    if left > 0 and not stalled:
        return "refine"
    escalate, _ = should_escalate(
        None if request.is_edit else state.get("complexity"),
        enabled=openhands_enabled,
        stalled=stalled,
        iterations_left=left,
        already_escalated=bool(state.get("escalated"))
        or state.get("route") == "openhands",
    )
    return "openhands" if escalate else "write_output"
