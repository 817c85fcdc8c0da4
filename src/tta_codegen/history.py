"""Run history: summaries of threads and of each thread's checkpoints."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from tta_codegen.checkpoints import list_thread_ids
from tta_codegen.engine import Codegen
from tta_codegen.errors import CheckpointError
from tta_codegen.result import RunResult

__all__ = ["CheckpointSummary", "RunSummary", "checkpoint_history", "list_runs"]


@dataclass(frozen=True)
class RunSummary:
    """One line of ``runs list``."""

    thread_id: str
    task: str
    status: str
    model: str | None
    cost_usd: float
    updated_at: datetime | None


@dataclass(frozen=True)
class CheckpointSummary:
    """One line of ``runs history``: a checkpoint and the node that wrote it."""

    checkpoint_id: str
    step: int
    node: str
    created_at: datetime | None
    iteration: int


def _parse_ts(raw: object) -> datetime | None:
    if not isinstance(raw, str):
        return None
    try:
        return datetime.fromisoformat(raw).astimezone(UTC)
    except ValueError:
        return None


async def list_runs(session: Codegen, *, limit: int = 50) -> list[RunSummary]:
    """The newest runs first."""
    saver = session.graph.checkpointer
    assert saver is not None and not isinstance(saver, bool)
    summaries: list[RunSummary] = []
    for thread_id in await list_thread_ids(saver, limit=limit):
        snapshot = await session.graph.aget_state(session.config(thread_id))
        if not snapshot.values:
            continue
        try:
            result: RunResult = await session.result(thread_id)
        except CheckpointError as exc:
            summaries.append(
                RunSummary(
                    thread_id,
                    f"(unreadable: {exc.message})",
                    "unreadable",
                    None,
                    0.0,
                    None,
                )
            )
            continue
        request = snapshot.values.get("request")
        summaries.append(
            RunSummary(
                thread_id=thread_id,
                task=request.task if request else "",
                status=result.status,
                model=result.model,
                cost_usd=result.usage.cost_usd,
                updated_at=_parse_ts(snapshot.created_at),
            )
        )
    summaries.sort(
        key=lambda s: s.updated_at or datetime.min.replace(tzinfo=UTC), reverse=True
    )
    return summaries


async def checkpoint_history(
    session: Codegen, thread_id: str
) -> list[CheckpointSummary]:
    """Every checkpoint of a thread, oldest first."""
    await session.snapshot_values(thread_id)
    snaps = [
        snap
        async for snap in session.graph.aget_state_history(session.config(thread_id))
    ]
    snaps.reverse()
    rows: list[CheckpointSummary] = []
    writer = "input"
    for snap in snaps:
        metadata = snap.metadata or {}
        rows.append(
            CheckpointSummary(
                checkpoint_id=str(snap.config["configurable"].get("checkpoint_id", "")),
                step=int(metadata.get("step", -1)),
                node=writer,
                created_at=_parse_ts(snap.created_at),
                iteration=int(snap.values.get("iteration", 0)) if snap.values else 0,
            )
        )
        writer = ", ".join(snap.next) or "-"
    return rows
