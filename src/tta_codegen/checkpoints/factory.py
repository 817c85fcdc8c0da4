"""``open_checkpointer(url)``: one entry point for every checkpoint backend."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import aiosqlite
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.memory import InMemorySaver

from tta_codegen.checkpoints.memory_saver import MemorySaver
from tta_codegen.checkpoints.serde import make_serializer
from tta_codegen.checkpoints.sqlite_saver import SqliteSaver
from tta_codegen.checkpoints.urls import StoreURL, parse_store_url
from tta_codegen.errors import CheckpointError, ConfigError
from tta_codegen.settings import CheckpointSettings

if TYPE_CHECKING:
    from tta_codegen.checkpoints.redis_saver import RedisSaver

__all__ = ["list_thread_ids", "open_checkpointer", "open_configured_checkpointer"]


@asynccontextmanager
async def open_checkpointer(
    url: str,
    *,
    key_prefix: str = "tta-codegen",
    ttl_s: int | None = None,
    keep_last: int | None = None,
) -> AsyncIterator[BaseCheckpointSaver[str]]:
    """Open the checkpoint store at ``url`` and yield a LangGraph saver.

    ``memory://`` (this process only), ``sqlite:///path`` (file created with
    its parent directories; WAL, synchronous=NORMAL) or
    ``redis://[:password@]host:port/db`` / ``rediss://`` (plain Redis 6.2+ or
    Valkey; ``key_prefix``, ``ttl_s`` and ``keep_last`` apply to Redis only) or
    ``postgresql://user[:password]@host:port/dbname`` / ``postgres://``
    (tables created on first open).
    Raises ``ConfigError`` for a bad URL and ``CheckpointError`` when the store
    cannot be opened. Every backend decodes with the strict serializer.
    """
    store = parse_store_url(url)
    if ttl_s is not None and ttl_s <= 0:
        raise ConfigError(f"checkpoints.ttl_s must be positive, got {ttl_s}")
    if keep_last is not None and keep_last <= 0:
        raise ConfigError(f"checkpoints.keep_last must be positive, got {keep_last}")
    if store.kind == "memory":
        yield MemorySaver(serde=make_serializer())
    elif store.kind == "sqlite":
        async with _open_sqlite(store) as saver:
            yield saver
    elif store.kind == "postgres":
        from tta_codegen.checkpoints.postgres_open import open_postgres  # noqa: PLC0415

        async with open_postgres(store) as pg_saver:
            yield pg_saver
    else:
        async with _open_redis(store, key_prefix, ttl_s, keep_last) as redis_saver:
            yield redis_saver


def open_configured_checkpointer(
    section: CheckpointSettings,
) -> AbstractAsyncContextManager[BaseCheckpointSaver[str]]:
    """``open_checkpointer`` with the ``[checkpoints]`` section of the settings
    (its ``url`` filled in by ``Settings``)."""
    if section.url is None:
        raise ConfigError("checkpoints.url is not set")
    return open_checkpointer(
        section.url,
        key_prefix=section.key_prefix,
        ttl_s=section.ttl_s,
        keep_last=section.keep_last,
    )


@asynccontextmanager
async def _open_sqlite(store: StoreURL) -> AsyncIterator[SqliteSaver]:
    target = ":memory:" if store.path is None else str(store.path)
    try:
        if store.path is not None:
            store.path.parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(target)
    except (OSError, sqlite3.Error) as exc:
        raise CheckpointError(
            f"cannot open SQLite checkpoint file {target}: {exc}"
        ) from exc
    try:
        saver = SqliteSaver(conn, serde=make_serializer())
        try:
            await conn.execute("PRAGMA synchronous=NORMAL")
            await saver.setup()
        except sqlite3.Error as exc:
            raise CheckpointError(
                f"cannot use {target} as a checkpoint database: {exc}",
                hint="point checkpoints.url at a new file",
            ) from exc
        yield saver
    finally:
        await conn.close()


@asynccontextmanager
async def _open_redis(
    store: StoreURL, key_prefix: str, ttl_s: int | None, keep_last: int | None
) -> AsyncIterator[RedisSaver]:
    from redis.asyncio import Redis  # noqa: PLC0415 (only for redis:// stores)
    from redis.exceptions import RedisError  # noqa: PLC0415

    from tta_codegen.checkpoints.redis_saver import RedisSaver  # noqa: PLC0415

    try:
        client = Redis.from_url(
            store.url, socket_connect_timeout=5, health_check_interval=30
        )
    except (ValueError, RedisError) as exc:
        raise ConfigError(
            f"checkpoint URL {store.display!r} is malformed: {type(exc).__name__}"
        ) from None
    try:
        try:
            await client.ping()
        except (RedisError, OSError) as exc:
            raise CheckpointError(
                f"cannot reach Redis at {store.display}: {type(exc).__name__}: "
                f"{_scrub(str(exc), store)}",
                hint="start Redis or fix checkpoints.url",
            ) from None
        saver = RedisSaver(
            client,
            key_prefix=key_prefix,
            ttl_s=ttl_s,
            keep_last=keep_last,
            serde=make_serializer(),
            display_url=store.display,
        )
        await saver.load_scripts()
        yield saver
    finally:
        await client.aclose()


def _scrub(message: str, store: StoreURL) -> str:
    password = urlsplit(store.url).password
    return message.replace(password, "***") if password else message


async def list_thread_ids(
    saver: BaseCheckpointSaver[str], limit: int = 100
) -> list[str]:
    """Thread ids in the store, the most recently written first."""
    from tta_codegen.checkpoints.postgres_saver import PostgresSaver  # noqa: PLC0415
    from tta_codegen.checkpoints.redis_saver import RedisSaver  # noqa: PLC0415

    if isinstance(saver, RedisSaver):
        return await saver.alist_threads(limit)
    if isinstance(saver, SqliteSaver | PostgresSaver):
        return await saver.list_thread_ids(limit)
    if isinstance(saver, InMemorySaver):
        newest = {
            thread_id: max(
                (cid for per_ns in spaces.values() for cid in per_ns), default=""
            )
            for thread_id, spaces in saver.storage.items()
            if any(spaces.values())
        }
        ordered = sorted(newest, key=lambda t: newest[t], reverse=True)
        return [str(t) for t in ordered[:limit]]
    seen: dict[str, str] = {}
    async for tup in saver.alist(None):
        thread_id = str(tup.config["configurable"]["thread_id"])
        seen[thread_id] = max(seen.get(thread_id, ""), tup.checkpoint["id"])
    return sorted(seen, key=lambda t: seen[t], reverse=True)[:limit]
