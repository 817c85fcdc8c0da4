"""Read run records from any checkpoint store (memory, SQLite, Redis)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver, CheckpointTuple

from tta_codegen.checkpoints import ensure_compatible, list_thread_ids
from tta_codegen.errors import CheckpointError
from tta_codegen.report.records import RunRecord, record_from_state

__all__ = ["LoadedRuns", "load_records"]

_FINAL = ("succeeded", "failed")
_INTERRUPT_CHANNEL = "__interrupt__"


@dataclass(frozen=True, slots=True)
class LoadedRuns:
    """The runs read from a store, and the threads that could not be read."""

    records: tuple[RunRecord, ...]
    """Readable runs in the window, newest first."""
    unreadable: tuple[str, ...]
    """Thread ids whose checkpoints could not be decoded (or are from a newer
    tta-codegen)."""


def _when(checkpoint_tuple: CheckpointTuple) -> datetime:
    stamp = datetime.fromisoformat(checkpoint_tuple.checkpoint["ts"])
    return stamp.astimezone(UTC) if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def _status(record: RunRecord, latest: CheckpointTuple) -> str:
    if record.status in _FINAL:
        return record.status
    if any(write[1] == _INTERRUPT_CHANNEL for write in latest.pending_writes or ()):
        return "awaiting_review"
    return "interrupted"


async def _read_run(
    saver: BaseCheckpointSaver[str], thread_id: str
) -> tuple[RunRecord | None, datetime | None]:
    """The run's record (None when the thread is not a run) and its last write."""
    config: RunnableConfig = {"configurable": {"thread_id": thread_id}}
    latest: CheckpointTuple | None = None
    oldest: CheckpointTuple | None = None
    async for checkpoint_tuple in saver.alist(config):
        latest = latest or checkpoint_tuple
        oldest = checkpoint_tuple
    if latest is None or oldest is None:
        return None, None
    finished_at = _when(latest)
    values = latest.checkpoint["channel_values"]
    if not isinstance(values, dict) or not values:
        return None, finished_at
    record = record_from_state(
        thread_id, ensure_compatible(values), _when(oldest), finished_at
    )
    if record is None:
        return None, finished_at
    return dataclasses.replace(record, status=_status(record, latest)), finished_at


async def load_records(
    saver: BaseCheckpointSaver[str],
    *,
    since: datetime | None = None,
    max_runs: int = 10_000,
) -> LoadedRuns:
    """Runs whose latest checkpoint is at or after ``since`` (all when None),
    newest first, at most ``max_runs``."""
    records: list[RunRecord] = []
    unreadable: list[str] = []
    for thread_id in await list_thread_ids(saver, limit=max_runs):
        try:
            record, finished_at = await _read_run(saver, thread_id)
        except CheckpointError:
            unreadable.append(thread_id)
            continue
        if since is not None and finished_at is not None and finished_at < since:
            break  # threads come newest first: the rest are older still
        if record is not None:
            records.append(record)
    return LoadedRuns(tuple(records), tuple(unreadable))
