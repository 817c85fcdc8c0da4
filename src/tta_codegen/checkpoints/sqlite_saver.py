"""The official async SQLite saver, tuned and with errors mapped to ours."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import AsyncIterator
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import CheckpointTuple
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from tta_codegen.errors import CheckpointError

__all__ = ["SqliteSaver"]

_HINT = "the checkpoint file holds data tta-codegen did not write"


class SqliteSaver(AsyncSqliteSaver):
    """``AsyncSqliteSaver`` whose read errors surface as ``CheckpointError``."""

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
