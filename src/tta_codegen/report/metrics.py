"""The success metrics, computed from run records only (pure)."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from tta_codegen.report.edits import FileEdit
from tta_codegen.report.records import RunRecord

__all__ = [
    "DayCost",
    "Distribution",
    "EditSummary",
    "ModelUsage",
    "NodeTime",
    "Rate",
    "ReportMetrics",
    "compute_metrics",
    "cost_per_day",
    "distribution",
    "edit_summary",
    "model_usage",
    "node_times",
    "percentile",
]


@dataclass(frozen=True, slots=True)
class Rate:
    """A share: ``hits`` out of ``total``."""

    hits: int
    """How many met the condition."""
    total: int
    """How many were counted."""

    @property
    def value(self) -> float | None:
        """hits / total, or None when nothing was counted."""
        return self.hits / self.total if self.total else None


@dataclass(frozen=True, slots=True)
class Distribution:
    """Summary of a list of numbers."""

    count: int
    """How many values."""
    total: float
    """Their sum."""
    mean: float | None
    """Average (None without values)."""
    median: float | None
    """50th percentile."""
    p95: float | None
    """95th percentile."""
    max: float | None
    """Largest value."""


@dataclass(frozen=True, slots=True)
class NodeTime:
    """Seconds one graph node took per run."""

    node: str
    """The node's name."""
    seconds: Distribution
    """Per-run seconds, over the runs that executed the node."""


@dataclass(frozen=True, slots=True)
class ModelUsage:
    """What one model answered and cost."""

    model: str
    """The model id."""
    calls: int
    """Successful calls it answered."""
    call_share: float
    """Its share of all calls, 0-1."""
    input_tokens: int
    """Prompt tokens."""
    output_tokens: int
    """Completion tokens."""
    cost_usd: Decimal
    """Known cost."""
    unknown_cost_calls: int
    """Calls whose cost is unknown (not counted in cost_usd)."""
    fallbacks: int
    """Calls it answered only after failed or skipped attempts."""


@dataclass(frozen=True, slots=True)
class DayCost:
    """Spend of one UTC day against the daily budget."""

    day: date
    """The UTC day (runs are counted on the day they started)."""
    runs: int
    """Runs started that day."""
    cost_usd: Decimal
    """Known cost of those runs."""
    budget_usd: Decimal | None
    """``[budget] max_cost_per_day_usd`` (None: no daily budget)."""

    @property
    def over_budget(self) -> bool:
        """The day cost more than the daily budget."""
        return self.budget_usd is not None and self.cost_usd > self.budget_usd


@dataclass(frozen=True, slots=True)
class EditSummary:
    """How much people changed generated files after the run wrote them."""

    files: int
    """Files written by the runs (the newest write per path)."""
    measured: int
    """Files whose current text could be read (disk or git)."""
    missing: int
    """Files neither on disk nor in git."""
    threshold: float
    """Changed share at or under which an edit counts as minimal."""
    minimal: Rate
    """Measured files changed by at most ``threshold``."""
    changed_share: Distribution
    """Changed share per measured file, 0 (untouched) to 1 (rewritten)."""
    values: tuple[float, ...]
    """Every measured file's changed share (for a histogram)."""


@dataclass(frozen=True, slots=True)
class ReportMetrics:
    """Everything ``tta-codegen report`` shows."""

    runs: int
    """Runs in the window."""
    status_counts: dict[str, int]
    """Runs per final status."""
    components_written: int
    """Runs that wrote a module."""
    files_written: int
    """Files written (modules and tests)."""
    first_try_pass: Rate
    """Runs whose first draft passed the gates (no blocking finding)."""
    final_pass: Rate
    """Runs whose last validate pass had no blocking finding."""
    refinement_rounds: Distribution
    """Refinement rounds per run."""
    run_seconds: Distribution
    """Seconds per run spent in graph nodes."""
    node_times: tuple[NodeTime, ...]
    """Seconds per node, slowest median first."""
    tokens_per_run: Distribution
    """Input + output tokens per run."""
    cost_per_run: Distribution
    """Known USD cost per run."""
    total_cost_usd: Decimal
    """Known cost of every run."""
    unknown_cost_calls: int
    """Calls whose cost is unknown."""
    models: tuple[ModelUsage, ...]
    """Usage per model, most calls first."""
    fallback: Rate
    """Calls answered only after failed or skipped attempts."""
    days: tuple[DayCost, ...]
    """Cost per UTC day, oldest first, every day of the window."""
    mutation_score: Distribution
    """Mutation score of the final tests, over runs that measured one."""
    edits: EditSummary
    """Changes people made to generated files since."""


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q`` (0-100) percentile, linearly interpolated; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def distribution(values: Iterable[float]) -> Distribution:
    """Count, total, mean, median, p95 and max of ``values``."""
    items = [float(v) for v in values]
    total = sum(items)
    return Distribution(
        count=len(items),
        total=total,
        mean=total / len(items) if items else None,
        median=percentile(items, 50),
        p95=percentile(items, 95),
        max=max(items) if items else None,
    )


def _rate(flags: Iterable[bool | None]) -> Rate:
    known = [f for f in flags if f is not None]
    return Rate(hits=sum(known), total=len(known))


def node_times(records: Sequence[RunRecord]) -> tuple[NodeTime, ...]:
    """Per-node seconds per run, slowest median first."""
    per_node: dict[str, list[float]] = defaultdict(list)
    for record in records:
        for node, seconds in record.node_seconds.items():
            per_node[node].append(seconds)
    times = [NodeTime(node, distribution(v)) for node, v in per_node.items()]
    return tuple(sorted(times, key=lambda t: (-(t.seconds.median or 0), t.node)))


def model_usage(records: Sequence[RunRecord]) -> tuple[ModelUsage, ...]:
    """Calls, tokens, cost and fallbacks per answering model, most calls first."""
    calls = [c for r in records for c in r.calls]
    by_model: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    cost: dict[str, Decimal] = defaultdict(Decimal)
    for call in calls:
        row = by_model[call.model]
        row[0] += 1
        row[1] += call.input_tokens
        row[2] += call.output_tokens
        row[3] += call.cost_usd is None
        row[4] += call.fell_back
        cost[call.model] += call.cost_usd or Decimal(0)
    usage = [
        ModelUsage(
            model=model,
            calls=n,
            call_share=n / len(calls),
            input_tokens=tin,
            output_tokens=tout,
            cost_usd=cost[model],
            unknown_cost_calls=unknown,
            fallbacks=fallbacks,
        )
        for model, (n, tin, tout, unknown, fallbacks) in by_model.items()
    ]
    return tuple(sorted(usage, key=lambda u: (-u.calls, u.model)))


IDLE_DAYS_SHOWN = 366
"""Days without runs shown before a window's first run, at most."""


def cost_per_day(
    records: Sequence[RunRecord],
    budget_usd: Decimal | None,
    *,
    first_day: date | None = None,
    last_day: date | None = None,
) -> tuple[DayCost, ...]:
    """Cost per UTC day (by the day a run started), with every day from
    ``first_day`` (default: the first run's) to ``last_day`` (default: the last
    run's), days without runs included (at most ``IDLE_DAYS_SHOWN`` of them
    before the first run)."""
    runs: Counter[date] = Counter()
    cost: dict[date, Decimal] = defaultdict(Decimal)
    for record in records:
        day = record.started_at.date()
        runs[day] += 1
        cost[day] += record.cost_usd
    if not runs and (first_day is None or last_day is None):
        return ()
    start = first_day or min(runs)
    end = last_day or max(runs)
    if (min(runs, default=end) - start).days > IDLE_DAYS_SHOWN:
        # a window reaching far back (--since 100000w) starts at its first run
        start = min(runs, default=end - timedelta(days=IDLE_DAYS_SHOWN))
    span = (end - start).days
    return tuple(
        DayCost(day, runs[day], cost.get(day, Decimal(0)), budget_usd)
        for day in (start + timedelta(days=i) for i in range(span + 1))
    )


def edit_summary(edits: Sequence[FileEdit], threshold: float) -> EditSummary:
    """Share of generated files people changed by at most ``threshold``."""
    values = tuple(e.changed_share for e in edits if e.changed_share is not None)
    return EditSummary(
        files=len(edits),
        measured=len(values),
        missing=len(edits) - len(values),
        threshold=threshold,
        minimal=Rate(sum(v <= threshold for v in values), len(values)),
        changed_share=distribution(values),
        values=values,
    )


def compute_metrics(
    records: Sequence[RunRecord],
    edits: Sequence[FileEdit],
    *,
    daily_budget_usd: Decimal | None,
    edit_threshold: float = 0.10,
    first_day: date | None = None,
    last_day: date | None = None,
) -> ReportMetrics:
    """Every metric of the report from ``records`` and the measured ``edits``."""
    calls = [c for r in records for c in r.calls]
    return ReportMetrics(
        runs=len(records),
        status_counts=dict(Counter(r.status for r in records).most_common()),
        components_written=sum(any(f.kind == "code" for f in r.files) for r in records),
        files_written=sum(len(r.files) for r in records),
        first_try_pass=_rate(r.first_validate_passed for r in records),
        final_pass=_rate(r.final_passed for r in records),
        refinement_rounds=distribution(r.iterations for r in records),
        run_seconds=distribution(r.active_seconds for r in records if r.node_seconds),
        node_times=node_times(records),
        tokens_per_run=distribution(
            sum(c.input_tokens + c.output_tokens for c in r.calls) for r in records
        ),
        cost_per_run=distribution(float(r.cost_usd) for r in records),
        total_cost_usd=sum((r.cost_usd for r in records), Decimal(0)),
        unknown_cost_calls=sum(c.cost_usd is None for c in calls),
        models=model_usage(records),
        fallback=Rate(sum(c.fell_back for c in calls), len(calls)),
        days=cost_per_day(
            records, daily_budget_usd, first_day=first_day, last_day=last_day
        ),
        mutation_score=distribution(
            r.mutation_score for r in records if r.mutation_score is not None
        ),
        edits=edit_summary(edits, edit_threshold),
    )
