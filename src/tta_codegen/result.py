"""The result of a run: the JSON object ``--json`` prints (a fixed contract)."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from tta_codegen.changes import FileDiff, change_set_of
from tta_codegen.errors import ErrorKind, ExitCode, error_class
from tta_codegen.findings import Finding
from tta_codegen.state import (
    CodegenState,
    GateReport,
    LLMCall,
    ModelChoice,
    RunStatus,
    Usage,
    latest_findings,
    usage_of,
)

__all__ = ["RunResult", "UsageTotals", "result_from_state"]


class UsageTotals(BaseModel):
    """Tokens and cost of the whole run."""

    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    cost_unknown_calls: int = 0
    """Calls whose cost the provider did not report and the catalog cannot price."""


class RunResult(BaseModel):
    """What a run produced. ``model_dump_json`` is the CLI's ``--json`` output."""

    thread_id: str
    status: RunStatus
    route: Literal["direct", "openhands"] | None = None
    route_reason: str = ""
    model: str | None = None
    model_choice: ModelChoice | None = None
    """pinned (--model: no fallback), preferred (generation.default_model first)
    or ranked."""
    iterations: int = 0
    code_path: str | None = None
    tests_path: str | None = None
    findings: list[Finding] = Field(default_factory=list)
    usage: UsageTotals = Field(default_factory=UsageTotals)
    trace_id: str | None = None
    timings: dict[str, float] = Field(default_factory=dict)
    changes: list[FileDiff] = Field(default_factory=list)
    """Edit runs: each file the run changed (or, unwritten, would change), with
    its unified diff and lines added and removed."""
    error: str | None = None
    """Why the run stopped without an answer (model unavailable, budget, review)."""
    error_kind: ErrorKind | None = None
    code: str | None = Field(default=None, exclude=True)
    """The final draft (not in the JSON; printed or written separately)."""
    tests: str | None = Field(default=None, exclude=True)
    calls: list[LLMCall] = Field(default_factory=list, exclude=True)
    report: GateReport | None = Field(default=None, exclude=True)
    """The last gate report (not in the JSON; gate timings and per-test outcomes
    for the SARIF and JUnit renderers)."""
    schema_version: Literal[1] = 1
    """Version of this JSON shape (``schemas/result-v1.schema.json``)."""

    @property
    def exit_code(self) -> ExitCode:
        """The process exit code: 0 succeeded (or awaiting review), else the
        exit code of the error the run stopped on (3 when no model could
        answer), 130 interrupted otherwise (Ctrl-C, a crash), or 1 when the
        gates still fail."""
        if self.status in ("succeeded", "awaiting_review"):
            return ExitCode.SUCCEEDED
        if self.error_kind is not None:
            return error_class(self.error_kind).exit_code
        if self.status == "interrupted":
            return ExitCode.INTERRUPTED
        return ExitCode.GATES_FAILED


def _totals(usage: Usage) -> UsageTotals:
    return UsageTotals(
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        cost_usd=float(usage.cost_usd.quantize(Decimal("0.000001"))),
        cost_unknown_calls=usage.cost_unknown_calls,
    )


def _changes(values: CodegenState) -> list[FileDiff]:
    applied = values.get("changes")
    if applied is not None:
        return applied.diffs()
    request = values.get("request")
    if request is None or request.root is None or "files" not in values:
        return []
    return change_set_of(
        request.root, values.get("originals", {}), values["files"]
    ).diffs()


def result_from_state(
    thread_id: str, values: CodegenState, *, status: RunStatus
) -> RunResult:
    """Build the result from a (final or paused) state snapshot."""
    calls = list(values.get("calls", []))
    return RunResult(
        thread_id=thread_id,
        status=status,
        route=values.get("route"),
        route_reason=values.get("route_reason", ""),
        model=values.get("draft_model"),
        model_choice=values.get("model_choice"),
        iterations=values.get("iteration", 0),
        code_path=values.get("code_path"),
        tests_path=values.get("tests_path"),
        findings=latest_findings(values),
        usage=_totals(usage_of(calls)),
        trace_id=values.get("trace_id"),
        timings={k: round(v, 4) for k, v in values.get("timings", {}).items()},
        error=values.get("error"),
        error_kind=values.get("error_kind"),
        code=values.get("code"),
        tests=values.get("tests"),
        calls=calls,
        report=values.get("report"),
        changes=_changes(values),
    )
