"""The typed graph state and the value types stored in it.

Every type here is allow-listed for checkpoint deserialization (see
``checkpoints.serde``); anything else found in a checkpoint is refused.
"""

from __future__ import annotations

import operator
from decimal import Decimal
from typing import Annotated, ClassVar, Literal, TypedDict

from pydantic import BaseModel, ConfigDict, Field

from tta_codegen.findings import Finding

__all__ = [
    "SCHEMA_VERSION",
    "Attempt",
    "CodegenRequest",
    "CodegenState",
    "ContextBundle",
    "ContextChunk",
    "GateReport",
    "LLMCall",
    "RankedModel",
    "ReviewDecision",
    "RunStatus",
    "TestOutcome",
    "Usage",
    "add_usage",
    "merge_timings",
]

SCHEMA_VERSION = 1
"""Bumped whenever the state's shape changes; older checkpoints are migrated or
refused (see ``checkpoints.migrate``)."""

RunStatus = Literal["running", "succeeded", "failed", "interrupted", "awaiting_review"]
Route = Literal["direct", "openhands"]


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Usage(_Value):
    """Tokens and money spent; accumulated across calls by ``add_usage``."""

    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: Decimal = Decimal(0)
    """Known cost (provider-reported or computed from catalog prices)."""
    cost_unknown_calls: int = 0
    """Calls whose cost could not be known; never counted as zero silently."""

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            cost_usd=self.cost_usd + other.cost_usd,
            cost_unknown_calls=self.cost_unknown_calls + other.cost_unknown_calls,
        )


def add_usage(left: Usage | None, right: Usage | None) -> Usage:
    """Reducer: usage only ever accumulates."""
    return (left or Usage()) + (right or Usage())


def merge_timings(
    left: dict[str, float] | None, right: dict[str, float] | None
) -> dict[str, float]:
    """Reducer: seconds spent per node, summed across iterations."""
    merged = dict(left or {})
    for node, seconds in (right or {}).items():
        merged[node] = merged.get(node, 0.0) + seconds
    return merged


class Attempt(_Value):
    """One try at one model inside a fallback chain."""

    model: str
    outcome: Literal["ok", "error", "skipped"]
    reason: str = ""
    """Why it failed or was skipped (status, breaker open, context too small...)."""
    latency_ms: float = 0.0


class LLMCall(_Value):
    """What one successful LLM call cost and produced (recorded for every call)."""

    node: str
    """Graph node that made the call: generate, refine, generate_tests..."""
    model: str
    """Model that answered."""
    provider: str
    template: str
    """Prompt template name@version."""
    latency_ms: float
    input_tokens: int
    output_tokens: int
    cost_usd: Decimal | None
    """None when the cost is unknown."""
    finish_reason: str | None = None
    attempts: tuple[Attempt, ...] = ()
    """Failed or skipped attempts before this one succeeded."""


class RankedModel(_Value):
    """One candidate from model selection, with the reasons for its rank."""

    model: str
    score: float
    reasons: tuple[str, ...] = ()
    eligible: bool = True
    """False when a hard requirement excluded it (reasons say which)."""


class ContextChunk(_Value):
    """A piece of the user's codebase injected into the prompt."""

    path: str
    start_line: int
    end_line: int
    symbol: str = ""
    """Function/class name, or empty for module-level text."""
    kind: Literal["code", "pattern", "doc"] = "code"
    score: float = 0.0
    why: str = ""
    """Why it was chosen (BM25 terms, symbol match, context type)."""
    text: str


class ContextBundle(_Value):
    """Everything build_context decided to inject."""

    chunks: tuple[ContextChunk, ...] = ()
    tokens: int = 0
    """Estimated tokens of all chunks."""
    budget: int = 0
    """Token budget that applied."""
    requirements: str = ""
    """Maturity requirements of the gate profile, as prompt text."""


class TestOutcome(_Value):
    """One test the tests gate ran, as pytest reported it."""

    __test__: ClassVar[bool] = False  # a value type, not a pytest test class

    node_id: str
    """pytest node id, e.g. ``test_calc.py::test_add``."""
    outcome: Literal["passed", "failed", "skipped"]
    duration_s: float = 0.0
    """Seconds pytest reported for it."""


class GateReport(_Value):
    """The result of one validate pass."""

    findings: tuple[Finding, ...] = ()
    passed: bool = False
    """No blocking finding."""
    tests_ran: bool = False
    tests_passed: int = 0
    tests_failed: int = 0
    coverage: float | None = None
    """Line coverage of the code by the tests, percent."""
    mutation_score: float | None = None
    """Share of mutants killed by the tests, 0-1."""
    timings: dict[str, float] = Field(default_factory=dict)
    """Seconds per gate."""
    profile: str = ""
    """Gate profile that decided what blocks (development, staging, production)."""
    flaky_tests: tuple[str, ...] = ()
    """Tests that passed, then failed on a re-run (final pass only)."""
    mutants_total: int = 0
    """Mutants the tests were run against (final pass only)."""
    mutants_killed: int = 0
    """Mutants at least one test failed on."""
    test_outcomes: tuple[TestOutcome, ...] = ()
    """Each test the tests gate ran, in run order (empty when none ran)."""


class ReviewDecision(_Value):
    """A human's answer to the review interrupt."""

    approved: bool
    code: str | None = None
    """Edited code supplied as the approved version."""
    tests: str | None = None
    """Edited tests supplied as the approved version."""


class CodegenRequest(_Value):
    """What the user asked for; the input of a run."""

    task: str = Field(min_length=1)
    """The task description (or a rendered template)."""
    template: str | None = None
    """Prompt-library template the task was rendered from."""
    template_vars: dict[str, str] = Field(default_factory=dict)
    module_name: str = "generated"
    """Import name of the generated module (from --out)."""
    out_path: str | None = None
    """Where the code is written (None: not written)."""
    tests_out_path: str | None = None
    """Where the tests are written."""
    model: str | None = None
    """Force a model (skips selection ranking but keeps fallback off)."""
    max_iterations: int | None = None
    review: bool = False
    """Interrupt for human approval before writing files."""
    context_paths: tuple[str, ...] = ()
    context_type: str | None = None
    """agent_orchestration, data_layer, api, testing (steers retrieval)."""
    task_type: str = "code_generation"
    existing_tests: str | None = None
    """Tests the user already has for the target: locked, never weakened."""

    def to_state(self) -> CodegenState:
        """The initial graph state for this request."""
        return {"schema_version": SCHEMA_VERSION, "request": self, "iteration": 0}


class CodegenState(TypedDict, total=False):
    """The graph state. Nodes return partial updates of it."""

    schema_version: int
    request: CodegenRequest
    ranking: list[RankedModel]
    """Candidates in order, from select_model."""
    model: str
    """Model that produced the current draft."""
    context: ContextBundle
    route: Route
    route_reason: str
    code: str
    """The current draft of the module."""
    tests: str
    """The current tests; absent until generate_tests ran."""
    report: GateReport
    """The latest validate result."""
    findings: list[Finding]
    """The latest findings (same as report.findings, as a list)."""
    answer_findings: list[Finding]
    """Problems with the last model answer itself (no usable Python in it)."""
    code_is_new: bool
    """The code changed since the last validate (its gate outcome is not yet
    fed back to model stats)."""
    complexity: Literal["simple", "complex"]
    """From the route node's classifier."""
    finding_history: list[list[str]]
    """Blocking-finding fingerprints per validate pass, for stall detection."""
    iteration: int
    """Refinement rounds done."""
    escalated: bool
    """True once a stalled run was handed to OpenHands."""
    usage: Annotated[Usage, add_usage]
    calls: Annotated[list[LLMCall], operator.add]
    timings: Annotated[dict[str, float], merge_timings]
    review: ReviewDecision
    status: RunStatus
    code_path: str
    tests_path: str
    error: str
    """Why the run ended without an answer (model unavailable, budget...)."""
    trace_id: str
    """Hex trace id of the run, kept so a resumed run continues the same trace."""
    root_span_id: str
