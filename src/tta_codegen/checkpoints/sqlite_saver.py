"""The official async SQLite saver, plus copy/prune/delete-by-run, errors mapped.

LangGraph's ``AsyncSqliteSaver`` implements only the required capabilities;
the optional ones (``adelete_for_runs``, ``acopy_thread``, ``aprune``) are
added here in plain SQL over its two tables, so every backend offers the same
operations (and passes the same conformance suite).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import AsyncIterator, Sequence
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import (
    ChannelVersions,
    Checkpoint,
    CheckpointMetadata,
    CheckpointTuple,
)
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from tta_codegen.errors import CheckpointError, StoreUnavailableError

__all__ = ["SqliteSaver"]

_HINT = "the checkpoint file holds data tta-codegen did not write"


def _write_failed(exc: BaseException) -> StoreUnavailableError:
    return StoreUnavailableError(
        f"cannot write to the SQLite checkpoint file: {type(exc).__name__}: {exc}",
        hint="free disk space or fix checkpoints.url; finished steps are kept",
    )


class SqliteSaver(AsyncSqliteSaver):
    """``AsyncSqliteSaver`` whose read errors surface as ``CheckpointError`` and
    write errors (disk full, file gone) as ``StoreUnavailableError``."""

    async def aput(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        """Save one checkpoint."""
        try:
            return await super().aput(config, checkpoint, metadata, new_versions)
        except (sqlite3.Error, OSError) as exc:
            raise _write_failed(exc) from exc

    async def aput_writes(
        self,
        config: RunnableConfig,
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        """Save one node's pending writes."""
        try:
            await super().aput_writes(config, writes, task_id, task_path)
        except (sqlite3.Error, OSError) as exc:
            raise _write_failed(exc) from exc

    async def aget_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        """The checkpoint named by ``config``, or the thread's latest."""
        try:
            return await super().aget_tuple(config)
        except (json.JSONDecodeError, UnicodeDecodeError, sqlite3.Error) as exc:
            raise CheckpointError(
                f"cannot read checkpoint: {type(exc).__name__}", hint=_HINT
            ) from exc

    async def alist(
        self,
        config: RunnableConfig | None,
        *,
        filter: dict[str, Any] | None = None,
        before: RunnableConfig | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[CheckpointTuple]:
        """Checkpoints newest first (see ``AsyncSqliteSaver.alist``)."""
        try:
            async for tup in super().alist(
                config, filter=filter, before=before, limit=limit
            ):
                yield tup
        except (json.JSONDecodeError, UnicodeDecodeError, sqlite3.Error) as exc:
            raise CheckpointError(
                f"cannot read checkpoints: {type(exc).__name__}", hint=_HINT
            ) from exc

    async def _run(self, statements: list[tuple[str, Sequence[object]]]) -> None:
        await self.setup()
        async with self.lock:
            try:
                for sql, params in statements:
                    await self.conn.execute(sql, params)
                await self.conn.commit()
            except sqlite3.Error as exc:
                await self.conn.rollback()
                raise _write_failed(exc) from exc

    async def adelete_for_runs(self, run_ids: Sequence[str]) -> None:
        """Delete the checkpoints (and their writes) written by these runs."""
        if not run_ids:
            return
        marks = ",".join("?" * len(run_ids))
        doomed = (
            "SELECT thread_id, checkpoint_ns, checkpoint_id FROM checkpoints "
            f"WHERE json_extract(CAST(metadata AS TEXT), '$.run_id') IN ({marks})"
        )
        await self._run(
            [
                (
                    "DELETE FROM writes WHERE (thread_id, checkpoint_ns, checkpoint_id)"
                    f" IN ({doomed})",
                    run_ids,
                ),
                (
                    "DELETE FROM checkpoints WHERE json_extract(CAST(metadata AS TEXT),"
                    f" '$.run_id') IN ({marks})",
                    run_ids,
                ),
            ]
        )

    async def acopy_thread(self, source_thread_id: str, target_thread_id: str) -> None:
        """Copy every checkpoint and write of one thread into another."""
        src, dst = str(source_thread_id), str(target_thread_id)
        await self._run(
            [
                (
                    "INSERT OR REPLACE INTO checkpoints SELECT ?, checkpoint_ns, "
                    "checkpoint_id, parent_checkpoint_id, type, checkpoint, metadata "
                    "FROM checkpoints WHERE thread_id = ?",
                    (dst, src),
                ),
                (
                    "INSERT OR REPLACE INTO writes (thread_id, checkpoint_ns, "
                    "checkpoint_id, task_id, task_path, idx, channel, type, value) "
                    "SELECT ?, checkpoint_ns, checkpoint_id, task_id, task_path, idx, "
                    "channel, type, value FROM writes WHERE thread_id = ?",
                    (dst, src),
                ),
            ]
        )

    async def aprune(
        self, thread_ids: Sequence[str], *, strategy: str = "keep_latest"
    ) -> None:
        """``keep_latest``: newest checkpoint per namespace; ``delete``: all."""
        if not thread_ids:
            return
        if strategy not in ("keep_latest", "delete"):
            raise ValueError(f"unknown prune strategy {strategy!r}")
        ids = [str(t) for t in thread_ids]
        marks = ",".join("?" * len(ids))
        keep = (
            ""
            if strategy == "delete"
            else " AND checkpoint_id < (SELECT MAX(c2.checkpoint_id)"
            " FROM checkpoints c2 WHERE c2.thread_id = checkpoints.thread_id"
            " AND c2.checkpoint_ns = checkpoints.checkpoint_ns)"
        )
        await self._run(
            [
                (f"DELETE FROM checkpoints WHERE thread_id IN ({marks}){keep}", ids),
                (
                    f"DELETE FROM writes WHERE thread_id IN ({marks}) AND NOT EXISTS "
                    "(SELECT 1 FROM checkpoints c WHERE c.thread_id = writes.thread_id"
                    " AND c.checkpoint_ns = writes.checkpoint_ns"
                    " AND c.checkpoint_id = writes.checkpoint_id)",
                    ids,
                ),
            ]
        )

    async def list_thread_ids(self, limit: int = 100) -> list[str]:
        """Thread ids, the one with the newest checkpoint first."""
        await self.setup()
        async with (
            self.lock,
            self.conn.execute(
                "SELECT thread_id, MAX(checkpoint_id) AS last FROM checkpoints "
                "GROUP BY thread_id ORDER BY last DESC LIMIT ?",
                (limit,),
            ) as cur,
        ):
            return [str(row[0]) async for row in cur]
