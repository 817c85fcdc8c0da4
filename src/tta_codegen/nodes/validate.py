"""validate: run the quality gates on the current draft and its tests."""

from __future__ import annotations

from pathlib import Path

from langgraph.runtime import Runtime

from tta_codegen.findings import (
    blocking,
    blocking_fingerprints,
    code_blocked,
    unique_by_fingerprint,
)
from tta_codegen.runtime import RunContext
from tta_codegen.state import CodegenState, GateReport


async def _gate(state: CodegenState, runtime: Runtime[RunContext]) -> GateReport:
    """The gate report of the draft: one module and its tests, or an edit run's
    changed files with the repository's tests."""
    ctx = runtime.context
    request = state["request"]
    code = state.get("code")
    tests = state.get("tests")
    if request.is_edit:
        from tta_codegen.gates.edit_run import run_edit_gates  # noqa: PLC0415

        assert request.root is not None
        return await run_edit_gates(
            Path(request.root),
            state.get("originals", {}),
            state.get("files", {}),
            settings=ctx.settings.gates,
            sandbox=ctx.sandbox,
            baseline_dir=ctx.settings.state_dir / "repo-baselines",
            tracer=ctx.tracer,
        )
    if code:
        from tta_codegen.gates.run import run_gates  # noqa: PLC0415 (after the first request)

        return await run_gates(
            code,
            tests,
            module_name=request.module_name,
            settings=ctx.settings.gates,
            sandbox=ctx.sandbox,
            locked_tests=request.existing_tests,
            final=bool(tests),
            tracer=ctx.tracer,
        )
    return GateReport()


async def validate(state: CodegenState, runtime: Runtime[RunContext]) -> CodegenState:
    """Gate the draft; findings are values in state, never exceptions."""
    ctx = runtime.context
    request = state["request"]
    code = state.get("code")
    answer = state.get("answer_findings", [])
    report = await _gate(state, runtime)
    safety = ctx.safety.check(code, task=request.task) if ctx.safety and code else []
    findings = unique_by_fingerprint([*answer, *safety, *report.findings])
    report = report.model_copy(
        update={"findings": tuple(findings), "passed": not blocking(findings)}
    )
    for finding in findings:
        runtime.stream_writer({"event": "finding", **finding.model_dump()})
    model = state.get("draft_model")
    drafted = bool(code) or bool(state.get("files"))
    if drafted and state.get("code_is_new") and model is not None:
        await ctx.gateway.record_gate_outcome(
            model, request.task_type, not code_blocked(findings)
        )
    history = [*state.get("finding_history", []), blocking_fingerprints(findings)]
    return {
        "report": report,
        "finding_history": history,
        "code_is_new": False,
    }
