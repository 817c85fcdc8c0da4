"""write_output: write accepted files atomically and set the final status."""

from __future__ import annotations

from pathlib import Path

from langgraph.runtime import Runtime
from opentelemetry import trace

from tta_codegen.changes import (
    ChangeSet,
    apply,
    change_set_of,
    digest_text,
    journal_dir_of,
    recover,
)
from tta_codegen.nodes._outputs import claim_existing, write_files
from tta_codegen.runtime import RunContext
from tta_codegen.state import CodegenState

__all__ = ["edit_change_set", "write_output"]


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
    may_replace = request.force or decision is not None  # approved in review
    if request.is_edit:
        return {**update, "changes": _write_changes(state, runtime, may_replace)}
    files: dict[Path, str] = {}
    code = state.get("code")
    if request.out_path and code is not None:
        files[Path(request.out_path)] = code
        update["code_path"] = request.out_path
    tests = state.get("tests")
    if request.tests_out_path and tests:
        files[Path(request.tests_out_path)] = tests
        update["tests_path"] = request.tests_out_path
    write_files(files, may_replace=may_replace, thread_id=runtime.context.thread_id)
    return update


def edit_change_set(state: CodegenState) -> ChangeSet:
    """The edit run's draft as a change set (by absolute path)."""
    root = state["request"].root
    assert root is not None
    return change_set_of(root, state.get("originals", {}), state.get("files", {}))


def _write_changes(
    state: CodegenState, runtime: Runtime[RunContext], may_replace: bool
) -> ChangeSet:
    """Write every file of the change or none, after checking nobody changed
    them since the run read them (ConflictError, nothing written) and that a
    file it creates is not in the way (ExistingFileError, unless
    ``may_replace``)."""
    change_set = claim_existing(
        edit_change_set(state),
        may_replace=may_replace,
        thread_id=runtime.context.thread_id,
    )
    journal = journal_dir_of(runtime.context.settings.state_dir)
    recover(journal)  # finish or roll back a write a killed run left behind
    expected = {c.path: digest_text(c.before) for c in change_set.changes}
    applied = apply(change_set, journal_dir=journal, expected=expected)
    diffs = applied.diffs()
    span = trace.get_current_span()
    span.set_attribute("tta.files_touched", [d.path for d in diffs])
    span.set_attribute("tta.lines_added", sum(d.added for d in diffs))
    span.set_attribute("tta.lines_removed", sum(d.removed for d in diffs))
    return applied
