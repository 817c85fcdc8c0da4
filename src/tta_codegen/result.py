"""The result of a run: the JSON object ``--json`` prints (a fixed contract)."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from tta_codegen.findings import Finding
from tta_codegen.state import CodegenState, GateReport, LLMCall, Usage

__all__ = ["ResultStatus", "RunResult", "UsageTotals", "result_from_state"]

ResultStatus = Literal["succeeded", "failed", "interrupted", "awaiting_review"]


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
    status: ResultStatus
    route: Literal["direct", "openhands"] | None = None
    route_reason: str = ""
    model: str | None = None
    iterations: int = 0
    code_path: str | None = None
    tests_path: str | None = None
    findings: list[Finding] = Field(default_factory=list)
    usage: UsageTotals = Field(default_factory=UsageTotals)
    trace_id: str | None = None
    timings: dict[str, float] = Field(default_factory=dict)
    error: str | None = None
    """Why the run stopped without an answer (model unavailable, budget, review)."""
    error_kind: Literal["model", "budget", "input", "review", "interrupted"] | None = (
        None
    )
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
    def exit_code(self) -> int:
        """0 succeeded (or awaiting review); 1 gates still fail or review rejected;
        3 no model could answer; 130 interrupted."""
        if self.status in ("succeeded", "awaiting_review"):
            return 0
        if self.status == "interrupted":
            return 130
        if self.error_kind in ("model", "budget"):
            return 3
        if self.error_kind == "input":
            return 2
        return 1


def _totals(usage: Usage | None) -> UsageTotals:
    usage = usage or Usage()
    return UsageTotals(
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        cost_usd=float(usage.cost_usd.quantize(Decimal("0.000001"))),
        cost_unknown_calls=usage.cost_unknown_calls,
    )


def result_from_state(
    thread_id: str, values: CodegenState, *, status: ResultStatus
) -> RunResult:
    """Build the result from a (final or paused) state snapshot."""
    return RunResult(
        thread_id=thread_id,
        status=status,
        route=values.get("route"),
        route_reason=values.get("route_reason", ""),
        model=values.get("model"),
        iterations=values.get("iteration", 0),
        code_path=values.get("code_path"),
        tests_path=values.get("tests_path"),
        findings=list(values.get("findings", [])),
        usage=_totals(values.get("usage")),
        trace_id=values.get("trace_id"),
        timings={k: round(v, 4) for k, v in values.get("timings", {}).items()},
        error=values.get("error"),
        error_kind="review" if values.get("error") == "rejected in review" else None,
        code=values.get("code"),
        tests=values.get("tests"),
        calls=list(values.get("calls", [])),
        report=values.get("report"),
    )
