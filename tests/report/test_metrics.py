"""The report's metrics from hand-built records: what a reader of the report
relies on (rates, percentiles, per-model and per-day cost, edits)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from tests.report.helpers import call, run

from tta_codegen.report.edits import FileEdit
from tta_codegen.report.metrics import (
    compute_metrics,
    cost_per_day,
    distribution,
    edit_summary,
    percentile,
)

pytestmark = [pytest.mark.unit]


def test_percentiles_interpolate_like_the_usual_definition() -> None:
    values = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0]
    assert percentile(values, 50) == pytest.approx(5.5)
    assert percentile(values, 95) == pytest.approx(9.55)
    assert percentile([3.0], 95) == 3.0
    assert percentile([], 50) is None
    empty = distribution([])
    assert (empty.count, empty.mean, empty.median, empty.p95) == (0, None, None, None)


def test_pass_rates_count_only_runs_that_were_validated() -> None:
    records = [
        run("a", first=True, final=True),
        run("b", first=False, final=True, iterations=1),
        run("c", first=False, final=False, iterations=2, status="failed"),
        run("d", first=None, final=None, status="interrupted"),
    ]
    metrics = compute_metrics(records, [], daily_budget_usd=None)
    assert metrics.runs == 4
    assert (metrics.first_try_pass.hits, metrics.first_try_pass.total) == (1, 3)
    assert metrics.final_pass.value == pytest.approx(2 / 3)
    assert metrics.status_counts == {"succeeded": 2, "failed": 1, "interrupted": 1}
    assert metrics.refinement_rounds.mean == pytest.approx(0.75)
    assert metrics.refinement_rounds.max == 2


def test_time_per_run_and_per_node() -> None:
    records = [
        run("a", nodes={"generate": 2.0, "validate": 1.0}),
        run("b", nodes={"generate": 4.0, "validate": 1.0, "refine": 3.0}),
        run("c"),  # never reached a node: not a timed run
    ]
    metrics = compute_metrics(records, [], daily_budget_usd=None)
    assert metrics.run_seconds.count == 2
    assert metrics.run_seconds.median == pytest.approx(5.5)
    by_node = {t.node: t.seconds for t in metrics.node_times}
    assert by_node["generate"].median == pytest.approx(3.0)
    assert by_node["refine"].count == 1
    assert [t.node for t in metrics.node_times][0] == "generate"  # slowest first


def test_tokens_cost_models_and_fallbacks() -> None:
    records = [
        run("a", calls=(call("free", cost="0"), call("free", cost="0"))),
        run(
            "b",
            calls=(
                call("paid", tokens=(1000, 500), cost="0.25", failed_attempts=2),
                call("paid", cost=None),
            ),
        ),
    ]
    metrics = compute_metrics(records, [], daily_budget_usd=None)
    assert metrics.total_cost_usd == Decimal("0.25")
    assert metrics.unknown_cost_calls == 1
    assert metrics.cost_per_run.max == pytest.approx(0.25)
    assert metrics.tokens_per_run.max == 1650
    assert (metrics.fallback.hits, metrics.fallback.total) == (1, 4)
    paid = next(u for u in metrics.models if u.model == "paid")
    assert (paid.calls, paid.call_share, paid.fallbacks) == (2, 0.5, 1)
    assert (paid.input_tokens, paid.output_tokens) == (1100, 550)
    assert paid.cost_usd == Decimal("0.25")
    assert paid.unknown_cost_calls == 1


def test_cost_per_day_fills_the_window_and_flags_days_over_budget() -> None:
    records = [
        run("a", day=0, calls=(call(cost="3.00"),)),
        run("b", day=0, minutes=5, calls=(call(cost="2.50"),)),
        run("c", day=2, calls=(call(cost="1.00"),)),
    ]
    days = cost_per_day(
        records,
        Decimal("5.00"),
        first_day=date(2026, 11, 19),
        last_day=date(2026, 11, 23),
    )
    assert [d.day.day for d in days] == [19, 20, 21, 22, 23]
    by_day = {d.day.day: d for d in days}
    assert by_day[20].cost_usd == Decimal("5.50")
    assert by_day[20].runs == 2
    assert by_day[20].over_budget
    assert not by_day[22].over_budget
    assert by_day[21].runs == 0
    assert cost_per_day([], None) == ()
    # a window reaching far back starts at its first run, not 700,000 days back
    far = cost_per_day(records, None, first_day=date(100, 1, 1))
    assert [d.day.day for d in far] == [20, 21, 22]
    assert (
        len(cost_per_day([], None, first_day=date(1, 1, 1), last_day=date(2026, 1, 1)))
        == 367
    )
    no_budget = cost_per_day(records, None)
    assert not any(d.over_budget for d in no_budget)
    assert [d.day.day for d in no_budget] == [20, 21, 22]


def test_mutation_scores_and_components() -> None:
    from tta_codegen.report.records import WrittenFile

    code = WrittenFile("calc.py", "code", "x = 1\n")
    tests = WrittenFile("test_calc.py", "tests", "def test(): pass\n")
    records = [
        run("a", mutation=0.8, files=(code, tests)),
        run("b", mutation=0.6, files=(code,)),
        run("c", status="failed", final=False),
    ]
    metrics = compute_metrics(records, [], daily_budget_usd=None)
    assert metrics.components_written == 2
    assert metrics.files_written == 3
    assert metrics.mutation_score.median == pytest.approx(0.7)
    assert metrics.mutation_score.count == 2


def test_edit_summary_share_under_the_threshold() -> None:
    def edit(share: float | None) -> FileEdit:
        source = "missing" if share is None else "disk"
        return FileEdit("t", f"f{share}.py", "code", source, share)  # type: ignore[arg-type]

    summary = edit_summary(
        [edit(0.0), edit(0.05), edit(0.10), edit(0.4), edit(None)], threshold=0.10
    )
    assert (summary.files, summary.measured, summary.missing) == (5, 4, 1)
    assert (summary.minimal.hits, summary.minimal.total) == (3, 4)
    assert summary.changed_share.median == pytest.approx(0.075)
    assert sorted(summary.values) == [0.0, 0.05, 0.10, 0.4]


def test_an_empty_history_has_no_rates_rather_than_zero() -> None:
    metrics = compute_metrics([], [], daily_budget_usd=Decimal("5"))
    assert metrics.runs == 0
    assert metrics.first_try_pass.value is None
    assert metrics.fallback.value is None
    assert metrics.days == ()
    assert metrics.edits.minimal.value is None
