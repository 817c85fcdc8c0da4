"""The report's own view of one run, read from a checkpointed state.

Everything the report measures comes from ``RunRecord``; only
``record_from_state`` knows the shape of the graph state, so a change of the
state's shape is absorbed here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Literal

__all__ = ["CallRecord", "FileKind", "RunRecord", "WrittenFile", "record_from_state"]

FileKind = Literal["code", "tests"]


@dataclass(frozen=True, slots=True)
class CallRecord:
    """One successful LLM call of a run."""

    model: str
    """The model that answered."""
    node: str
    """The graph node that made the call (generate, refine, generate_tests...)."""
    input_tokens: int
    """Prompt tokens."""
    output_tokens: int
    """Completion tokens."""
    cost_usd: Decimal | None
    """What the call cost; None when it could not be known."""
    latency_ms: float
    """Time to the full answer."""
    failed_attempts: int = 0
    """Failed or skipped attempts (retries, other models) before this answer."""

    @property
    def fell_back(self) -> bool:
        """The answer came only after at least one failed or skipped attempt."""
        return self.failed_attempts > 0


@dataclass(frozen=True, slots=True)
class WrittenFile:
    """A file a run wrote, with the exact text it wrote."""

    path: str
    """As the run recorded it (relative paths are relative to where it ran)."""
    kind: FileKind
    """The generated module (``code``) or its tests (``tests``)."""
    text: str
    """The text the run wrote into the file."""


@dataclass(frozen=True, slots=True)
class RunRecord:
    """What the report needs to know about one run."""

    thread_id: str
    """The run's thread id."""
    task: str
    """The task description."""
    started_at: datetime
    """When the run's first checkpoint was written (UTC)."""
    finished_at: datetime
    """When its latest checkpoint was written (UTC)."""
    status: str
    """succeeded, failed, interrupted, awaiting_review or running."""
    route: str | None = None
    """direct or openhands."""
    model: str | None = None
    """The model that produced the final draft."""
    iterations: int = 0
    """Refinement rounds done."""
    node_seconds: Mapping[str, float] = field(default_factory=dict)
    """Seconds spent in each graph node, summed over its executions."""
    calls: tuple[CallRecord, ...] = ()
    """Every successful LLM call, in order."""
    first_validate_passed: bool | None = None
    """The first draft had no blocking finding (None: never validated)."""
    final_passed: bool | None = None
    """The last validate pass had no blocking finding (None: never validated)."""
    mutation_score: float | None = None
    """Share of mutants the final tests killed, 0-1 (None: not measured)."""
    files: tuple[WrittenFile, ...] = ()
    """Files the run wrote."""

    @property
    def active_seconds(self) -> float:
        """Time spent in graph nodes (waiting for a review is not counted)."""
        return sum(self.node_seconds.values())

    @property
    def cost_usd(self) -> Decimal:
        """Known cost of all calls."""
        return sum((c.cost_usd or Decimal(0) for c in self.calls), Decimal(0))


def _finding_free(fingerprints: object) -> bool | None:
    return None if not isinstance(fingerprints, list) else not fingerprints


def record_from_state(
    thread_id: str,
    values: Mapping[str, object],
    created_at: datetime,
    updated_at: datetime,
) -> RunRecord | None:
    """The record of a run from its latest checkpointed state (``CodegenState``,
    migrated to the current schema) and the times of its first and latest
    checkpoints; None when the values are not a tta-codegen run (no request)."""
    from tta_codegen.state import CodegenRequest, GateReport, LLMCall

    request = values.get("request")
    if not isinstance(request, CodegenRequest):
        return None
    report = values.get("report")
    history = values.get("finding_history")
    calls = values.get("calls")
    timings = values.get("timings")
    iteration = values.get("iteration")
    files: list[WrittenFile] = []
    for kind, path_key, text_key in (
        ("code", "code_path", "code"),
        ("tests", "tests_path", "tests"),
    ):
        path, text = values.get(path_key), values.get(text_key)
        if isinstance(path, str) and path and isinstance(text, str):
            files.append(WrittenFile(path=path, kind=kind, text=text))  # type: ignore[arg-type]
    gate = report if isinstance(report, GateReport) else None
    return RunRecord(
        thread_id=thread_id,
        task=request.task,
        started_at=created_at,
        finished_at=updated_at,
        status=str(values.get("status") or "running"),
        route=_str_or_none(values.get("route")),
        model=_str_or_none(values.get("draft_model")),
        iterations=iteration if isinstance(iteration, int) else 0,
        node_seconds=dict(timings) if isinstance(timings, dict) else {},
        calls=tuple(
            CallRecord(
                model=c.model,
                node=c.node,
                input_tokens=c.input_tokens,
                output_tokens=c.output_tokens,
                cost_usd=c.cost_usd,
                latency_ms=c.latency_ms,
                failed_attempts=len(c.attempts),
            )
            for c in (calls if isinstance(calls, list) else [])
            if isinstance(c, LLMCall)
        ),
        first_validate_passed=_finding_free(history[0])
        if isinstance(history, list) and history
        else None,
        final_passed=gate.passed if gate else None,
        mutation_score=gate.mutation_score if gate else None,
        files=tuple(files),
    )


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
