"""``record_from_state`` reads today's graph state into the report's record."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from tta_codegen.report.records import record_from_state
from tta_codegen.state import (
    Attempt,
    CodegenRequest,
    CodegenState,
    GateReport,
    LLMCall,
)

pytestmark = [pytest.mark.unit]

START = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
END = datetime(2026, 11, 20, 9, 1, tzinfo=UTC)


def _call(node: str, model: str, attempts: tuple[Attempt, ...] = ()) -> LLMCall:
    return LLMCall(
        node=node,
        model=model,
        provider="openrouter",
        template=f"graph/{node}@v1",
        latency_ms=900.0,
        input_tokens=300,
        output_tokens=120,
        cost_usd=Decimal("0.002") if model == "paid" else None,
        attempts=attempts,
    )


def test_a_finished_run_becomes_a_full_record() -> None:
    failed = Attempt(model="free", outcome="error", reason="429", latency_ms=10.0)
    skipped = Attempt(model="free", outcome="skipped", reason="breaker open")
    state: CodegenState = {
        "request": CodegenRequest(task="Add two integers.", out_path="calc.py"),
        "route": "direct",
        "draft_model": "paid",
        "iteration": 1,
        "timings": {"generate": 2.5, "validate": 1.25, "refine": 2.0},
        "calls": [
            _call("generate", "free"),
            _call("refine", "paid", (failed, skipped)),
        ],
        "finding_history": [["f0a1"], []],
        "report": GateReport(passed=True, tests_ran=True, mutation_score=0.75),
        "code": "def add(a, b):\n    return a + b\n",
        "tests": "def test_add():\n    assert True\n",
        "code_path": "calc.py",
        "tests_path": "test_calc.py",
        "status": "succeeded",
    }
    record = record_from_state("t1", state, START, END)
    assert record is not None
    assert record.thread_id == "t1"
    assert record.task == "Add two integers."
    assert (record.started_at, record.finished_at) == (START, END)
    assert (record.status, record.route, record.model) == (
        "succeeded",
        "direct",
        "paid",
    )
    assert record.iterations == 1
    assert record.node_seconds == {"generate": 2.5, "validate": 1.25, "refine": 2.0}
    assert record.active_seconds == pytest.approx(5.75)
    assert [c.node for c in record.calls] == ["generate", "refine"]
    assert [c.failed_attempts for c in record.calls] == [0, 2]
    assert [c.fell_back for c in record.calls] == [False, True]
    assert record.calls[0].cost_usd is None
    assert record.cost_usd == Decimal("0.002")
    assert record.first_validate_passed is False
    assert record.final_passed is True
    assert record.mutation_score == 0.75
    assert [(f.path, f.kind) for f in record.files] == [
        ("calc.py", "code"),
        ("test_calc.py", "tests"),
    ]
    assert record.files[0].text == state["code"]


def test_a_run_that_stopped_early_has_unknowns_not_guesses() -> None:
    state: CodegenState = {
        "request": CodegenRequest(task="Parse durations."),
        "iteration": 0,
        "code": "x = 1\n",  # a draft, never written: no code_path
    }
    record = record_from_state("t2", state, START, END)
    assert record is not None
    assert record.status == "running"
    assert record.first_validate_passed is None
    assert record.final_passed is None
    assert record.mutation_score is None
    assert record.files == ()
    assert record.calls == ()
    assert record.active_seconds == 0


def test_first_validate_pass_without_blocking_findings() -> None:
    state: CodegenState = {
        "request": CodegenRequest(task="t"),
        "finding_history": [[], []],
        "report": GateReport(passed=True),
    }
    record = record_from_state("t3", state, START, END)
    assert record is not None and record.first_validate_passed is True


def test_values_that_are_not_a_run_give_no_record() -> None:
    assert record_from_state("other-app", {"messages": ["hi"]}, START, END) is None
