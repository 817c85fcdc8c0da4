"""review: optional human approval before anything is written."""

from __future__ import annotations

from pathlib import PurePosixPath

from langgraph.runtime import Runtime
from langgraph.types import interrupt

from tta_codegen.nodes.write_output import edit_change_set
from tta_codegen.runtime import RunContext
from tta_codegen.state import CodegenState, ReviewDecision, latest_findings


def _payload(state: CodegenState) -> dict[str, object]:
    """What the reviewer sees: the draft (or, for an edit run, a unified diff of
    every file it changes) and the findings."""
    report = state.get("report")
    payload: dict[str, object] = {
        "code": state.get("code") or "",
        "tests": state.get("tests") or "",
        "findings": [f.model_dump() for f in latest_findings(state)],
        "passed": bool(report and report.passed),
    }
    if state["request"].is_edit:
        payload["diffs"] = [d.model_dump() for d in edit_change_set(state).diffs()]
    return payload


def _replaced_file(state: CodegenState, name: str) -> str | None:
    """The one changed file of an edit run called ``name``, or None."""
    matches = [
        path
        for path, text in state.get("files", {}).items()
        if PurePosixPath(path).name == name
        and text != state.get("originals", {}).get(path)
    ]
    return matches[0] if len(matches) == 1 else None


async def review(state: CodegenState, runtime: Runtime[RunContext]) -> CodegenState:
    """Interrupt with the draft; resume with {"approved": bool, "code"?, "tests"?}.

    In an edit run, an approved ``code`` replaces the changed file of the same
    name. Everything before ``interrupt`` re-runs on resume, so this node does
    nothing else before it.
    """
    decision = ReviewDecision.model_validate(interrupt(_payload(state)))
    update: CodegenState = {"review_decision": decision}
    if not decision.approved:
        return update
    if state["request"].is_edit:
        target = _replaced_file(state, decision.code_name or "")
        if decision.code is not None and target is not None:
            update["files"] = {**state.get("files", {}), target: decision.code}
        return update
    if decision.code is not None:
        update["code"] = decision.code
    if decision.tests is not None:
        update["tests"] = decision.tests
    return update
