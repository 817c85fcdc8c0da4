"""Hand-built run records for the report's tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from tta_codegen.report.records import CallRecord, RunRecord, WrittenFile

DAY = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def call(
    model: str = "m-free",
    *,
    node: str = "generate",
    tokens: tuple[int, int] = (100, 50),
    cost: str | None = "0.01",
    failed_attempts: int = 0,
) -> CallRecord:
    """One successful call."""
    return CallRecord(
        model=model,
        node=node,
        input_tokens=tokens[0],
        output_tokens=tokens[1],
        cost_usd=None if cost is None else Decimal(cost),
        latency_ms=800.0,
        failed_attempts=failed_attempts,
    )


def run(
    thread_id: str,
    *,
    day: int = 0,
    status: str = "succeeded",
    calls: tuple[CallRecord, ...] = (),
    first: bool | None = True,
    final: bool | None = True,
    iterations: int = 0,
    nodes: dict[str, float] | None = None,
    mutation: float | None = None,
    files: tuple[WrittenFile, ...] = (),
    minutes: int = 0,
) -> RunRecord:
    """One run that started ``day`` days after DAY."""
    started = DAY + timedelta(days=day, minutes=minutes)
    return RunRecord(
        thread_id=thread_id,
        task=f"task {thread_id}",
        started_at=started,
        finished_at=started + timedelta(minutes=1),
        status=status,
        route="direct",
        model=calls[-1].model if calls else None,
        iterations=iterations,
        node_seconds=nodes or {},
        calls=calls,
        first_validate_passed=first,
        final_passed=final,
        mutation_score=mutation,
        files=files,
    )
