"""LangGraph's official async Postgres saver, plus copy/delete-by-run, errors mapped.

``AsyncPostgresSaver`` (langgraph-checkpoint-postgres) implements put, writes,
get, list, delete_thread and prune. This subclass adds what the other stores
offer (``acopy_thread`` for ``runs fork``, ``adelete_for_runs``,
``list_thread_ids`` for ``runs list``) in plain SQL over the official tables,
and changes three things:

- database errors surface as ``CheckpointError`` naming the (redacted) URL;
- a string holding a NUL character, or a float that is not finite, is stored
  as a blob: the official saver puts every primitive inline in a JSONB column,
  which cannot hold either, so such a value failed the whole write;
- an inline channel value read back must be a JSON primitive, as the saver
  writes them; anything else was put there by someone else and is refused.

``prepare_schema`` creates the tables under an advisory lock, so processes
opening one fresh database at the same time do not collide.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import (
    ChannelVersions,
    Checkpoint,
    CheckpointMetadata,
    CheckpointTuple,
    get_serializable_checkpoint_metadata,
)
from langgraph.checkpoint.postgres import _ainternal
from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
from langgraph.checkpoint.serde.base import SerializerProtocol
from langgraph.checkpoint.serde.types import _DeltaSnapshot
from psycopg.rows import DictRow
from psycopg.types.json import Jsonb

from tta_codegen.errors import CheckpointError, StoreUnavailableError

__all__ = ["SETUP_LOCK_KEY", "PostgresSaver", "prepare_schema"]

SETUP_LOCK_KEY = 0x7474612D63707473
"""Advisory lock taken while the tables are created or migrated."""
_SETUP_WAIT_S = 120.0
_FOREIGN_HINT = "the checkpoint database holds data tta-codegen did not write"

_COPY_SQL = (
    """INSERT INTO checkpoints (thread_id, checkpoint_ns, checkpoint_id,
        parent_checkpoint_id, type, checkpoint, metadata)
    SELECT %s, checkpoint_ns, checkpoint_id, parent_checkpoint_id, type,
        checkpoint, metadata
    FROM checkpoints WHERE thread_id = %s
    ON CONFLICT (thread_id, checkpoint_ns, checkpoint_id) DO UPDATE SET
        parent_checkpoint_id = EXCLUDED.parent_checkpoint_id, type = EXCLUDED.type,
        checkpoint = EXCLUDED.checkpoint, metadata = EXCLUDED.metadata""",
    """INSERT INTO checkpoint_blobs (thread_id, checkpoint_ns, channel, version,
        type, blob)
    SELECT %s, checkpoint_ns, channel, version, type, blob
    FROM checkpoint_blobs WHERE thread_id = %s
    ON CONFLICT (thread_id, checkpoint_ns, channel, version) DO UPDATE SET
        type = EXCLUDED.type, blob = EXCLUDED.blob""",
    """INSERT INTO checkpoint_writes (thread_id, checkpoint_ns, checkpoint_id,
        task_id, task_path, idx, channel, type, blob)
    SELECT %s, checkpoint_ns, checkpoint_id, task_id, task_path, idx, channel,
        type, blob
    FROM checkpoint_writes WHERE thread_id = %s
    ON CONFLICT (thread_id, checkpoint_ns, checkpoint_id, task_id, idx)
    DO UPDATE SET task_path = EXCLUDED.task_path, channel = EXCLUDED.channel,
        type = EXCLUDED.type, blob = EXCLUDED.blob""",
)

# One statement, so it is atomic. The blobs deleted are those the deleted
# checkpoints referenced and no checkpoint of another run still does (the
# statement's snapshot still shows the deleted rows, hence the run_id test).
_DELETE_RUNS_SQL = """
WITH doomed AS (
    DELETE FROM checkpoints WHERE metadata ->> 'run_id' = ANY(%(runs)s)
    RETURNING thread_id, checkpoint_ns, checkpoint_id,
        checkpoint -> 'channel_versions' AS versions
), writes AS (
    DELETE FROM checkpoint_writes w USING doomed d
    WHERE w.thread_id = d.thread_id AND w.checkpoint_ns = d.checkpoint_ns
        AND w.checkpoint_id = d.checkpoint_id
), freed AS (
    SELECT DISTINCT d.thread_id, d.checkpoint_ns, v.key AS channel,
        v.value AS version
    FROM doomed d CROSS JOIN LATERAL jsonb_each_text(d.versions) AS v
)
DELETE FROM checkpoint_blobs b USING freed f
WHERE b.thread_id = f.thread_id AND b.checkpoint_ns = f.checkpoint_ns
    AND b.channel = f.channel AND b.version = f.version
    AND NOT EXISTS (
        SELECT 1 FROM checkpoints c
        WHERE c.thread_id = f.thread_id AND c.checkpoint_ns = f.checkpoint_ns
            AND c.checkpoint -> 'channel_versions' ->> f.channel = f.version
            AND (c.metadata ->> 'run_id' IS NULL
                 OR NOT c.metadata ->> 'run_id' = ANY(%(runs)s))
    )
"""

_THREADS_SQL = """
SELECT thread_id FROM checkpoints GROUP BY thread_id
ORDER BY MAX(checkpoint_id COLLATE "C") DESC LIMIT %s
"""


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__


def _inline(value: object) -> bool:
    """True for a value the JSONB checkpoint column can hold as it is."""
    if isinstance(value, str):
        return "\x00" not in value
    if isinstance(value, float):
        return math.isfinite(value)
    return value is None or isinstance(value, (int, bool))


class PostgresSaver(AsyncPostgresSaver):
    """``AsyncPostgresSaver`` with every optional capability and mapped errors."""

    def __init__(
        self,
        conn: _ainternal.Conn,
        *,
        serde: SerializerProtocol | None = None,
        display_url: str = "postgresql",
    ) -> None:
        super().__init__(conn, serde=serde)
        self.display_url = display_url
        """The database URL with any password replaced by ``***``."""

    @contextmanager
    def _db_errors(self, action: str) -> Iterator[None]:
        try:
            yield
        except psycopg.OperationalError as exc:  # connection lost, server gone
            raise StoreUnavailableError(
                f"PostgreSQL at {self.display_url} stopped answering (could not "
                f"{action}): {_first_line(exc)}",
                hint="finished steps are kept; resume once the server is back",
            ) from exc
        except psycopg.Error as exc:
            raise CheckpointError(
                f"PostgreSQL at {self.display_url} could not {action}: "
                f"{_first_line(exc)}",
                hint="check that the server is up and checkpoints.url is right",
            ) from exc

    @contextmanager
    def _read_errors(self, action: str) -> Iterator[None]:
        """``_db_errors``, and a row the official decoding trips over is refused."""
        with self._db_errors(action):
            try:
                yield
            except (KeyError, TypeError, AttributeError) as exc:
                raise CheckpointError(
                    "refused to decode checkpoint data: a row is not shaped as "
                    f"the saver writes it ({type(exc).__name__})",
                    hint=_FOREIGN_HINT,
                ) from exc

    async def aput(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        """Save a checkpoint (the official saver's layout; see module doc)."""
        configurable = config["configurable"]
        thread_id = configurable["thread_id"]
        checkpoint_ns = configurable["checkpoint_ns"]
        values = dict(checkpoint["channel_values"])
        blobs = {k: values.pop(k) for k in list(values) if not _inline(values[k])}
        for key, value in blobs.items():
            if isinstance(value, _DeltaSnapshot):
                values[key] = True  # the official marker for a snapshot blob
        row = {**checkpoint, "channel_values": values}
        with self._db_errors("save a checkpoint"):
            async with self._cursor(pipeline=True) as cur:
                if versions := {k: v for k, v in new_versions.items() if k in blobs}:
                    await cur.executemany(
                        self.UPSERT_CHECKPOINT_BLOBS_SQL,
                        await asyncio.to_thread(
                            self._dump_blobs, thread_id, checkpoint_ns, blobs, versions
                        ),
                    )
                await cur.execute(
                    self.UPSERT_CHECKPOINTS_SQL,
                    (
                        thread_id,
                        checkpoint_ns,
                        checkpoint["id"],
                        configurable.get("checkpoint_id"),
                        Jsonb(row),
                        Jsonb(get_serializable_checkpoint_metadata(config, metadata)),
                    ),
                )
        return {
            "configurable": {
                "thread_id": thread_id,
                "checkpoint_ns": checkpoint_ns,
                "checkpoint_id": checkpoint["id"],
            }
        }

    async def aput_writes(
        self,
        config: RunnableConfig,
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        """Store a task's pending writes for a checkpoint."""
        with self._db_errors("save pending writes"):
            await super().aput_writes(config, writes, task_id, task_path)

    async def aget_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        """The checkpoint named by ``config``, or the thread's latest."""
        with self._read_errors("read a checkpoint"):
            return await super().aget_tuple(config)

    async def alist(
        self,
        config: RunnableConfig | None,
        *,
        filter: dict[str, Any] | None = None,
        before: RunnableConfig | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[CheckpointTuple]:
        """Checkpoints newest first (see ``AsyncPostgresSaver.alist``)."""
        with self._read_errors("list checkpoints"):
            async for tup in super().alist(
                config, filter=filter, before=before, limit=limit
            ):
                yield tup

    async def _load_checkpoint_tuple(self, value: DictRow) -> CheckpointTuple:
        """The official decoding, after checking the inline values' types."""
        checkpoint, metadata = value["checkpoint"], value["metadata"]
        inline = checkpoint.get("channel_values") if isinstance(checkpoint, dict) else 0
        if not isinstance(inline, dict) or not isinstance(metadata, dict):
            raise CheckpointError(
                "refused to decode checkpoint data: a row is not shaped as "
                "the saver writes it",
                hint=_FOREIGN_HINT,
            )
        for channel, item in inline.items():
            if not (item is None or isinstance(item, (str, int, float, bool))):
                raise CheckpointError(
                    f"refused to decode checkpoint data: channel {channel!r} holds "
                    f"an inline {type(item).__name__}",
                    hint=_FOREIGN_HINT,
                )
        return await super()._load_checkpoint_tuple(value)

    async def adelete_thread(self, thread_id: str) -> None:
        """Delete every checkpoint, write and blob of a thread."""
        with self._db_errors("delete a thread"):
            await super().adelete_thread(thread_id)

    async def aprune(
        self, thread_ids: Sequence[str], *, strategy: str = "keep_latest"
    ) -> None:
        """``keep_latest``: newest checkpoint per namespace; ``delete``: all."""
        with self._db_errors("prune threads"):
            await super().aprune(thread_ids, strategy=strategy)

    async def adelete_for_runs(self, run_ids: Sequence[str]) -> None:
        """Delete the checkpoints (and their writes) written by these runs."""
        runs = [str(r) for r in run_ids]
        if not runs:
            return
        with self._db_errors("delete runs"):
            async with self._cursor() as cur:
                await cur.execute(_DELETE_RUNS_SQL, {"runs": runs}, prepare=False)

    async def acopy_thread(self, source_thread_id: str, target_thread_id: str) -> None:
        """Copy every checkpoint, write and blob of one thread into another."""
        src, dst = str(source_thread_id), str(target_thread_id)
        if src == dst:
            return
        with self._db_errors("copy a thread"):
            async with self._cursor() as cur, cur.connection.transaction():
                # one snapshot for all three tables
                await cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                for sql in _COPY_SQL:
                    await cur.execute(sql, (dst, src))

    async def list_thread_ids(self, limit: int = 100) -> list[str]:
        """Thread ids, the one with the newest checkpoint first."""
        with self._db_errors("list threads"):
            async with self._cursor() as cur:
                await cur.execute(_THREADS_SQL, (limit,))
                return [str(row["thread_id"]) for row in await cur.fetchall()]


async def prepare_schema(conn: psycopg.AsyncConnection[DictRow]) -> None:
    """Create or migrate the checkpoint tables on ``conn`` (autocommit).

    A current schema is only read, so a role without CREATE rights can use
    tables an administrator made. Otherwise the official ``setup()`` runs
    under a session advisory lock: its ``CREATE TABLE IF NOT EXISTS`` and
    migration-number inserts fail when two sessions run them at once. The lock
    is polled, not waited on, because ``CREATE INDEX CONCURRENTLY`` (one of
    the migrations) waits for every open statement, a blocked lock request
    included.
    """
    if await _schema_is_current(conn):
        return
    deadline = time.monotonic() + _SETUP_WAIT_S
    delay = 0.02
    while not await _try_lock(conn):
        if time.monotonic() > deadline:
            raise CheckpointError(
                f"another process has been creating the checkpoint tables for "
                f"{_SETUP_WAIT_S:.0f} s",
                hint="retry when it is done, or look for a stuck session",
            )
        await asyncio.sleep(delay)
        delay = min(delay * 2, 0.5)
    try:
        await AsyncPostgresSaver(conn).setup()
    finally:
        await conn.execute("SELECT pg_advisory_unlock(%s)", (SETUP_LOCK_KEY,))


async def _try_lock(conn: psycopg.AsyncConnection[DictRow]) -> bool:
    cur = await conn.execute(
        "SELECT pg_try_advisory_lock(%s) AS got", (SETUP_LOCK_KEY,)
    )
    row = await cur.fetchone()
    return bool(row and row["got"])


async def _schema_is_current(conn: psycopg.AsyncConnection[DictRow]) -> bool:
    cur = await conn.execute(
        "SELECT to_regclass('checkpoint_migrations') IS NOT NULL AS present"
    )
    row = await cur.fetchone()
    if not (row and row["present"]):
        return False
    cur = await conn.execute("SELECT MAX(v) AS v FROM checkpoint_migrations")
    row = await cur.fetchone()
    latest = len(AsyncPostgresSaver.MIGRATIONS) - 1
    return bool(row and row["v"] is not None and row["v"] >= latest)
