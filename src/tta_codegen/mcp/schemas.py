"""What the MCP tools return: typed results, so clients get an output schema."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from tta_codegen.findings import Finding
from tta_codegen.result import RunResult, UsageTotals

__all__ = ["ModelInfo", "RunReport", "RunState", "TemplateInfo", "TemplateVariable"]

RunState = Literal["running", "succeeded", "failed", "interrupted", "awaiting_review"]


class RunReport(BaseModel):
    """Where a run stands: answered by generate, resume and run_status."""

    thread_id: str = Field(description="The run's id; pass it to run_status / resume.")
    status: RunState = Field(
        description="running (still going in the server), succeeded, failed, "
        "interrupted (resumable) or awaiting_review (answer with resume)."
    )
    node: str | None = Field(
        default=None, description="The graph node running now (status running)."
    )
    iteration: int = Field(default=0, description="Refinement rounds done so far.")
    model: str | None = Field(default=None, description="Model of the current draft.")
    findings: list[Finding] = Field(
        default_factory=list, description="Latest quality-gate findings."
    )
    usage: UsageTotals = Field(
        default_factory=UsageTotals, description="Tokens and cost so far."
    )
    error: str | None = Field(
        default=None, description="Why the run stopped without an answer."
    )
    next_step: str = Field(description="What to do next, in one sentence.")
    code: str | None = Field(
        default=None,
        description="The draft module: given when awaiting review, when it was "
        "not written to a file, or on request.",
    )
    tests: str | None = Field(
        default=None, description="The draft tests, given with code."
    )
    result: RunResult | None = Field(
        default=None,
        description="The full result (the CLI's --json object) once the run stopped.",
    )


class TemplateVariable(BaseModel):
    """One variable a template takes."""

    type: str
    required: bool
    default: object = None
    description: str = ""


class TemplateInfo(BaseModel):
    """A prompt-library template usable as generate's ``template``."""

    name: str
    category: str
    version: int
    versions: list[int]
    description: str
    task_type: str
    context_types: list[str]
    variables: dict[str, TemplateVariable]


class ModelInfo(BaseModel):
    """A catalog model with its priors and what was measured."""

    id: str = Field(description="Pass as generate's `model` to force this model.")
    provider: str
    free: bool
    context_window: int
    input_cost_per_mtok: float | None = Field(description="USD; None when unknown.")
    output_cost_per_mtok: float | None = Field(description="USD; None when unknown.")
    quality: dict[str, float] = Field(description="Prior quality per task type, 0-10.")
    calls: int = Field(description="Calls measured so far.")
    p50_ms: float | None
    p95_ms: float | None
    error_rate: float | None
    pass_rate: float | None = Field(description="Share of drafts that passed gates.")
