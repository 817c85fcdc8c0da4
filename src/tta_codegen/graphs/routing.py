"""Pure routing functions: state in, the name of the next node out."""

from __future__ import annotations

from typing import Literal

from tta_codegen.findings import blocking, code_blocked, is_stalled
from tta_codegen.state import CodegenState

__all__ = ["after_route", "after_validate"]

AfterValidate = Literal[
    "refine", "generate_tests", "review", "write_output", "openhands"
]


def after_route(state: CodegenState) -> Literal["generate", "openhands"]:
    """The route node has decided; follow it."""
    return "openhands" if state.get("route") == "openhands" else "generate"


def after_validate(
    state: CodegenState, *, max_iterations: int, openhands_enabled: bool
) -> AfterValidate:
    """Where a validated draft goes next.

    - code blocking-free and no tests yet -> generate_tests
    - everything passes -> review (when asked for) or write_output
    - still failing: refine while iterations are left and the findings are not
      the same as last time; otherwise escalate a complex task to OpenHands
      (once, when enabled) or give up with the report (write_output).
    """
    request = state["request"]
    findings = state.get("findings", [])
    stop = blocking(findings)
    if not code_blocked(stop) and state.get("tests") is None:
        return "generate_tests"
    if not stop:
        return "review" if request.review else "write_output"
    limit = (
        request.max_iterations
        if request.max_iterations is not None
        else (max_iterations)
    )
    out_of_rounds = state.get("iteration", 0) >= limit
    stalled = is_stalled(state.get("finding_history", []))
    if not (out_of_rounds or stalled):
        return "refine"
    if (
        openhands_enabled
        and state.get("complexity") == "complex"
        and not state.get("escalated")
        and state.get("route") != "openhands"
    ):
        return "openhands"
    return "write_output"
