"""A month of plausible runs, hand-built, for the report page's tests and the
screenshot in the README (the report of a team's first month)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from tests.report.helpers import call

from tta_codegen.report.build import Report
from tta_codegen.report.edits import FileEdit
from tta_codegen.report.metrics import compute_metrics
from tta_codegen.report.records import CallRecord, RunRecord, WrittenFile

NOW = datetime(2026, 11, 28, 18, 0, tzinfo=UTC)
FREE = "deepseek/deepseek-chat-v3.1:free"
PAID = "anthropic/claude-sonnet-4.5"


def _calls(rng: random.Random, rounds: int) -> tuple[CallRecord, ...]:
    nodes = ["generate", *["refine"] * rounds, "generate_tests"]
    calls = []
    for node in nodes:
        paid = rng.random() < 0.3
        tokens = (rng.randint(900, 4000), rng.randint(250, 1400))
        cost = (tokens[0] * 3 + tokens[1] * 15) / 1_000_000 if paid else 0
        calls.append(
            call(
                PAID if paid else FREE,
                node=node,
                tokens=tokens,
                cost=f"{cost:.6f}",
                failed_attempts=1 if rng.random() < 0.08 else 0,
            )
        )
    return tuple(calls)


def _run(rng: random.Random, index: int, started: datetime) -> RunRecord:
    rounds = rng.choice([0, 0, 0, 1, 1, 2])
    passed = rounds < 2 or rng.random() < 0.6
    nodes = {
        "select_model": 0.004,
        "build_context": rng.uniform(0.02, 0.3),
        "generate": rng.uniform(3, 14),
        "validate": rng.uniform(0.6, 1.8) * (rounds + 2),
        "generate_tests": rng.uniform(3, 10),
        "write_output": 0.01,
    }
    if rounds:
        nodes["refine"] = rng.uniform(3, 11) * rounds
    path = f"src/component_{index}.py"
    return RunRecord(
        thread_id=f"run-{index:03d}",
        task=f"component {index}",
        started_at=started,
        finished_at=started + timedelta(seconds=sum(nodes.values())),
        status="succeeded" if passed else "failed",
        route="direct",
        model=FREE,
        iterations=rounds,
        node_seconds=nodes,
        calls=_calls(rng, rounds),
        first_validate_passed=rounds == 0,
        final_passed=passed,
        mutation_score=rng.uniform(0.55, 1.0) if passed else None,
        files=(WrittenFile(path, "code", "x = 1\n"),) if passed else (),
    )


def sample_report() -> Report:
    """Thirty days of runs: mostly the free model, some paid, one expensive day."""
    rng = random.Random(7)
    records: list[RunRecord] = []
    for day in range(30):
        for n in range(rng.randint(0, 6) if day != 17 else 14):
            started = NOW - timedelta(days=29 - day, hours=rng.uniform(0, 8) + n)
            records.append(_run(rng, len(records), started))
    edits = [
        FileEdit(
            r.thread_id,
            f.path,
            f.kind,
            "disk",
            min(1.0, rng.expovariate(14)) if rng.random() > 0.1 else None,
        )
        for r in records
        for f in r.files
    ]
    since = NOW - timedelta(days=30)
    metrics = compute_metrics(
        records,
        edits,
        daily_budget_usd=Decimal("0.20"),
        first_day=since.date(),
        last_day=NOW.date(),
    )
    return Report(
        metrics=metrics,
        since=since,
        generated_at=NOW,
        store="sqlite:///~/.local/state/tta-codegen/checkpoints.sqlite",
        unreadable=(),
        edits=tuple(edits),
    )
