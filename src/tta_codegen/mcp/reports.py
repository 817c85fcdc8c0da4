"""Build the ``RunReport`` a tool returns, from a live run or a stored result."""

from __future__ import annotations

from tta_codegen.errors import InputError
from tta_codegen.findings import Finding
from tta_codegen.mcp.runs import ActiveRun, RunService
from tta_codegen.mcp.schemas import RunReport
from tta_codegen.result import RunResult, UsageTotals
from tta_codegen.state import Usage
from tta_codegen.telemetry.redact import redact

__all__ = ["report_for", "running_report", "stopped_report"]


def _scrubbed(findings: list[Finding]) -> list[Finding]:
    return [f.model_copy(update={"message": redact(f.message)}) for f in findings]


def _totals(usage: Usage) -> UsageTotals:
    return UsageTotals(
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        cost_usd=float(usage.cost_usd),
        cost_unknown_calls=usage.cost_unknown_calls,
    )


def running_report(run: ActiveRun) -> RunReport:
    """A run still executing in the server."""
    return RunReport(
        thread_id=run.thread_id,
        status="running",
        node=run.node,
        iteration=run.iteration,
        model=run.model,
        findings=_scrubbed(run.findings),
        usage=_totals(run.usage),
        next_step=f"it goes on in the server: call run_status with thread_id "
        f"{run.thread_id!r} (wait_s > 0 to wait for it)",
    )


def _next_step(result: RunResult) -> str:
    thread = repr(result.thread_id)
    if result.status == "awaiting_review":
        return (
            f"review code and tests, then call resume with thread_id {thread} and "
            "decision 'approve' (optionally with edited code/tests) or 'reject'"
        )
    if result.status == "interrupted":
        return f"call resume with thread_id {thread} to continue where it stopped"
    if result.status == "failed":
        return "read the findings and error; start a new generate to try again"
    if result.code_path:
        return f"done: the code is in {result.code_path}"
    return "done: the code is in this report (no out_path was given)"


def stopped_report(result: RunResult, *, include_code: bool = False) -> RunReport:
    """A run that reached its end, its review stop, or an interruption."""
    error = redact(result.error) if result.error else None
    clean = result.model_copy(
        update={"error": error, "findings": _scrubbed(result.findings)}
    )
    show_code = (
        include_code
        or result.status == "awaiting_review"
        or (result.status == "succeeded" and result.code_path is None)
    )
    return RunReport(
        thread_id=result.thread_id,
        status=result.status,
        iteration=result.iterations,
        model=result.model,
        findings=clean.findings,
        usage=result.usage,
        error=error,
        next_step=_next_step(result),
        code=result.code if show_code else None,
        tests=result.tests if show_code else None,
        result=clean,
    )


async def report_for(
    service: RunService, thread_id: str, *, include_code: bool = False
) -> RunReport:
    """The report for any thread: live when it runs here, else from its checkpoint
    (InputError when no run has this id)."""
    run = service.active(thread_id)
    if run is not None and not run.finished:
        return running_report(run)
    session = service.session
    try:
        await session.snapshot_values(thread_id)
    except InputError:
        if run is None or run.error is None:
            raise
        return RunReport(  # it broke off before its first checkpoint
            thread_id=thread_id,
            status="failed",
            error=run.error,
            next_step="fix the cause named in error, then call generate again",
        )
    stored = await session.result(thread_id)
    if run is not None and stored.status == "interrupted":
        # the run broke off here; the checkpoint cannot say why, the run can
        if run.result is not None and run.result.error:
            stored = run.result
        elif run.error is not None:
            stored = stored.model_copy(update={"status": "failed", "error": run.error})
    return stopped_report(stored, include_code=include_code)
