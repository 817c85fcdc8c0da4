"""The typed graph state and the value types stored in it.

Every type here is allow-listed for checkpoint deserialization (see
``checkpoints.serde``); anything else found in a checkpoint is refused.
"""

from __future__ import annotations

import operator
import os
from collections.abc import Iterable
from decimal import Decimal
from functools import cache
from typing import Annotated, ClassVar, Literal, TypedDict

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from tta_codegen.changes import ChangeSet
from tta_codegen.errors import ErrorKind
from tta_codegen.findings import Finding

__all__ = [
    "SCHEMA_VERSION",
    "Attempt",
    "Complexity",
    "FinalStatus",
    "CodegenInput",
    "CodegenRequest",
    "CodegenState",
    "ContextBundle",
    "ContextChunk",
    "GateReport",
    "LLMCall",
    "ModelChoice",
    "RankedModel",
    "ReviewDecision",
    "RunStatus",
    "TestOutcome",
    "Usage",
    "latest_findings",
    "merge_timings",
    "models_down",
    "typed",
    "usage_of",
]

SCHEMA_VERSION = 2
"""Bumped whenever the state's shape changes; older checkpoints are migrated or
refused (see ``checkpoints.migrate``)."""

RunStatus = Literal["succeeded", "failed", "interrupted", "awaiting_review"]
"""Where a run stands: the one status vocabulary (results, lists, batches)."""
FinalStatus = Literal["succeeded", "failed"]
"""How a run that reached its end ended (set by write_output)."""
Route = Literal["direct", "openhands"]
Complexity = Literal["simple", "complex"]
ModelChoice = Literal["pinned", "preferred", "ranked"]
"""How the run's candidates were chosen: --model pins one (no fallback),
generation.default_model puts one first, else the ranking alone."""


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
    down: bool = False
    """The model was given up on: its errors were exhausted or its circuit is
    open. Later calls of the same run try it last (see ``models_down``)."""


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

    @property
    def usage(self) -> Usage:
        """This call's tokens and cost (an unknown cost is counted, not zero)."""
        return Usage(
            input_tokens=self.input_tokens,
            output_tokens=self.output_tokens,
            cost_usd=self.cost_usd if self.cost_usd is not None else Decimal(0),
            cost_unknown_calls=0 if self.cost_usd is not None else 1,
        )


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
    repo_map: str = ""
    """Edit runs: each indexed file's path and top-level symbols."""


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
    code_name: str | None = None
    """The file name ``code`` was read from (edit runs: which file it replaces)."""


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
    """The model to use, pinned: no ranking and no fallback to another model."""
    max_iterations: int | None = None
    review: bool = False
    """Stop for human approval before writing files."""
    context_paths: tuple[str, ...] = ()
    context_type: str | None = None
    """agent_orchestration, data_layer, api, testing (steers retrieval)."""
    task_type: str = "code_generation"
    existing_tests: str | None = None
    """Tests the user already has for the target: locked, never weakened."""
    edit_files: tuple[str, ...] = ()
    """An edit run: the existing files (absolute paths) the run may change."""
    root: str | None = None
    """A run that writes a set of files (an edit run, or ``generate --out-dir``):
    the folder (absolute) every path is relative to."""
    force: bool = False
    """Files the run writes may replace existing ones (``--force``)."""

    @property
    def is_edit(self) -> bool:
        """True for a run that writes a set of files under ``root`` (changing
        existing ones, or creating a package): the edit path of the graph."""
        return self.root is not None

    def with_absolute_paths(self) -> CodegenRequest:
        """This request with every path absolute (against the current folder),
        so a run resumed from another folder writes where it was started."""
        return self.model_copy(
            update={
                "out_path": _absolute(self.out_path),
                "tests_out_path": _absolute(self.tests_out_path),
                "root": _absolute(self.root),
                "context_paths": tuple(os.path.abspath(p) for p in self.context_paths),
                "edit_files": tuple(os.path.abspath(p) for p in self.edit_files),
            }
        )

    def to_state(self) -> CodegenState:
        """The initial graph state for this request."""
        return {"schema_version": SCHEMA_VERSION, "request": self, "iteration": 0}


def _absolute(path: str | None) -> str | None:
    return os.path.abspath(path) if path is not None else None


class CodegenInput(BaseModel):
    """What starts a run: the graph's input schema. A server that receives the
    request as JSON (``langgraph dev``) gets it validated into a
    ``CodegenRequest`` here; ``CodegenRequest.to_state()`` is the same shape."""

    model_config = ConfigDict(extra="forbid")

    request: CodegenRequest
    schema_version: int = SCHEMA_VERSION
    iteration: int = 0
    trace_id: str | None = None
    """Set by the engine so the run's spans share one trace."""
    root_span_id: str | None = None
    config_file: str | None = None
    """Set by the engine: the config file the run was started with."""


class CodegenState(TypedDict, total=False):
    """The graph state. Nodes return partial updates of it.

    Each fact has one writer: the node named under each field. Absent facts are
    missing keys or None, never empty strings.
    """

    schema_version: int
    request: CodegenRequest
    """What the user asked for (the run's input; never changed by a node)."""
    ranking: list[RankedModel]
    """select_model: candidates in order, ineligible ones last with reasons."""
    model_choice: ModelChoice
    """select_model: pinned, preferred or ranked."""
    context: ContextBundle
    """build_context: the codebase context and maturity requirements."""
    route: Route
    """route: direct or openhands."""
    route_reason: str
    """route: why."""
    complexity: Complexity
    """route: the task classifier's verdict."""
    code: str | None
    """generate / refine / openhands / review: the current draft of the module;
    None until a model answered with usable Python."""
    draft_model: str | None
    """Model that wrote the current ``code``."""
    tests: str | None
    """generate_tests / refine / review: the current tests; None until written."""
    report: GateReport
    """validate: the latest gate report (its findings included)."""
    answer_findings: list[Finding]
    """The last answer's own problems (no usable Python in it); read by validate."""
    code_is_new: bool
    """The code changed since the last validate (its gate outcome is not yet fed
    back to the model's stats)."""
    finding_history: list[list[str]]
    """validate: blocking-finding fingerprints per pass, for stall detection."""
    iteration: int
    """refine: refinement rounds done."""
    escalated: bool
    """openhands: True once a stalled run was handed to OpenHands."""
    calls: Annotated[list[LLMCall], operator.add]
    """Every LLM call of the run, in order (usage and cost are their sum)."""
    timings: Annotated[dict[str, float], merge_timings]
    """Seconds spent per node, summed across iterations."""
    review_decision: ReviewDecision
    """review: the human's answer."""
    status: FinalStatus
    """write_output: how the run ended."""
    error_kind: ErrorKind | None
    """write_output: why it ended without writing (review rejected...)."""
    error: str | None
    """write_output: the reason in words."""
    code_path: str | None
    """write_output: where the code was written."""
    tests_path: str | None
    """write_output: where the tests were written."""
    originals: dict[str, str | None]
    """build_context (edit runs): each file as it was read, by path relative to
    the root (None: it did not exist); the base of the change and of the check
    that nobody changed it meanwhile."""
    files: dict[str, str | None]
    """edit / refine / generate_tests (edit runs): the draft of every file the run
    touches, by relative path (None: deleted)."""
    changes: ChangeSet | None
    """write_output: the files the run changed, as applied (what ``runs undo``
    puts back); None when it changed none through a change set."""
    config_file: str | None
    """The config file the run was started with (absolute), named when a resume
    read another one and cannot call the run's model."""
    trace_id: str
    """Hex trace id of the run, kept so a resumed run continues the same trace."""
    root_span_id: str


@cache
def _state_adapter() -> TypeAdapter[CodegenState]:
    return TypeAdapter(CodegenState)


def typed(state: CodegenState) -> CodegenState:
    """``state`` with every value as its type. A server that keeps checkpoints
    as JSON (``langgraph dev``) hands a resumed run plain dicts; typed values
    pass through as they are."""
    return _state_adapter().validate_python(state)


def usage_of(calls: Iterable[LLMCall]) -> Usage:
    """What the calls cost together (unknown costs counted, never zero)."""
    total = Usage()
    for call in calls:
        total = total + call.usage
    return total


def models_down(calls: Iterable[LLMCall]) -> list[str]:
    """Models this run gave up on and that have not answered since, in the
    order they went down: later calls start with the models that answer."""
    down: dict[str, None] = {}
    for call in calls:
        for attempt in call.attempts:
            if attempt.down:
                down[attempt.model] = None
        down.pop(call.model, None)
    return list(down)


def latest_findings(state: CodegenState) -> list[Finding]:
    """The findings of the latest validate pass (empty before the first)."""
    report = state.get("report")
    return list(report.findings) if report is not None else []
