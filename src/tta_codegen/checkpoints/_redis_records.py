"""Encoding of the Redis saver's records (msgpack lists around serde output)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import ormsgpack
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import CheckpointMetadata, CheckpointTuple, PendingWrite
from langgraph.checkpoint.serde.base import SerializerProtocol

from tta_codegen.errors import CheckpointError

__all__ = ["checkpoint_record", "config_for", "decode_tuple", "write_record"]


def checkpoint_record(
    parent_id: str | None, checkpoint: tuple[str, bytes], metadata: tuple[str, bytes]
) -> bytes:
    """``[parent_id, type, bytes, metadata type, metadata bytes]``."""
    return ormsgpack.packb([parent_id, *checkpoint, *metadata])


def write_record(
    task_id: str, idx: int, channel: str, value: tuple[str, bytes], task_path: str
) -> bytes:
    """``[task_id, idx, channel, type, bytes, task_path]``."""
    return ormsgpack.packb([task_id, idx, channel, *value, task_path])


def config_for(thread_id: str, ns: str, cid: str) -> RunnableConfig:
    """The config that names one checkpoint."""
    return {
        "configurable": {
            "thread_id": thread_id,
            "checkpoint_ns": ns,
            "checkpoint_id": cid,
        }
    }


def decode_tuple(
    serde: SerializerProtocol,
    thread_id: str,
    ns: str,
    cid: str,
    record: bytes,
    writes: Sequence[bytes],
) -> CheckpointTuple:
    """Rebuild a ``CheckpointTuple``; ``CheckpointError`` when malformed."""
    try:
        parent, cp_type, cp_raw, md_type, md_raw = ormsgpack.unpackb(record)
        decoded: list[list[Any]] = [ormsgpack.unpackb(w) for w in writes]
        # writes_sort_key order: task_path, task_id, idx
        decoded.sort(key=lambda w: (str(w[5]), str(w[0]), int(w[1])))
        raw_writes = [(str(w[0]), str(w[2]), (str(w[3]), bytes(w[4]))) for w in decoded]
    except (ValueError, TypeError, IndexError) as exc:
        raise CheckpointError(
            f"checkpoint {cid} of thread {thread_id!r} is corrupted",
            hint="the checkpoint store holds data tta-codegen did not write",
        ) from exc
    pending: list[PendingWrite] = [
        (task, channel, serde.loads_typed(value)) for task, channel, value in raw_writes
    ]
    return CheckpointTuple(
        config=config_for(thread_id, ns, cid),
        checkpoint=serde.loads_typed((cp_type, cp_raw)),
        metadata=cast(CheckpointMetadata, serde.loads_typed((md_type, md_raw))),
        parent_config=config_for(thread_id, ns, parent) if parent else None,
        pending_writes=pending,
    )
