"""Open a ``postgresql://`` checkpoint store: check the server, make the tables,
hand the saver a small connection pool.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit
from weakref import WeakKeyDictionary

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from tta_codegen.checkpoints.postgres_saver import PostgresSaver, prepare_schema
from tta_codegen.checkpoints.serde import make_serializer
from tta_codegen.checkpoints.urls import StoreURL
from tta_codegen.errors import CheckpointError

__all__ = [
    "APPLICATION_NAME",
    "IDLE_CHECK_S",
    "POOL_MAX",
    "POOL_MIN",
    "IdleCheck",
    "open_postgres",
]

POOL_MIN = 1
"""Connections kept open."""
POOL_MAX = 2
"""At most this many. The official saver runs one statement group at a time
per saver (it holds an asyncio lock around each), so a process needs one
connection; the second lets a replacement open while a broken one is
discarded."""
IDLE_CHECK_S = 1.0
"""A connection idle longer than this is checked (one empty query) before use,
so one the server dropped meanwhile is replaced instead of failing a write.
Writes in a burst (one graph step after another) skip the round trip."""
CONNECT_TIMEOUT_S = 5
"""Used unless the URL sets ``connect_timeout``."""
APPLICATION_NAME = "tta-codegen"
"""How our sessions show in ``pg_stat_activity``, unless the URL names one."""


def _connect_kwargs(store: StoreURL) -> dict[str, Any]:
    """What the official saver needs of a connection (autocommit, dict rows)."""
    kwargs: dict[str, Any] = {
        "autocommit": True,
        "prepare_threshold": 0,
        "row_factory": dict_row,
    }
    given = conninfo_to_dict(store.url)
    if "connect_timeout" not in given:
        kwargs["connect_timeout"] = CONNECT_TIMEOUT_S
    if "application_name" not in given:
        kwargs["application_name"] = APPLICATION_NAME
    return kwargs


class IdleCheck:
    """The pool's ``check`` and ``reset`` callbacks: check only idle connections."""

    def __init__(self, idle_s: float = IDLE_CHECK_S) -> None:
        self.idle_s = idle_s
        """Connections returned to the pool longer ago than this are checked."""
        self._returned: WeakKeyDictionary[psycopg.AsyncConnection[Any], float] = (
            WeakKeyDictionary()
        )

    async def returned(self, conn: psycopg.AsyncConnection[Any]) -> None:
        """Note when ``conn`` went back to the pool."""
        self._returned[conn] = time.monotonic()

    async def check(self, conn: psycopg.AsyncConnection[Any]) -> None:
        """Raise if ``conn`` was idle for a while and no longer works."""
        since = self._returned.get(conn)
        if since is None or time.monotonic() - since > self.idle_s:
            await AsyncConnectionPool.check_connection(conn)


def _scrubbed(exc: BaseException, store: StoreURL) -> str:
    lines = str(exc).strip().splitlines()
    text = lines[0] if lines else ""
    try:
        password = urlsplit(store.url).password
    except ValueError:
        password = None
    if password:
        text = text.replace(password, "***")
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _pool(
    store: StoreURL, kwargs: dict[str, Any]
) -> AsyncConnectionPool[psycopg.AsyncConnection[Any]]:
    """The saver's pool, not yet open."""
    idle = IdleCheck()
    return AsyncConnectionPool(
        store.url,
        kwargs=kwargs,
        min_size=POOL_MIN,
        max_size=POOL_MAX,
        open=False,
        check=idle.check,
        reset=idle.returned,
        name="tta-codegen-checkpoints",
        num_workers=1,
    )


@asynccontextmanager
async def open_postgres(store: StoreURL) -> AsyncIterator[PostgresSaver]:
    """A ``PostgresSaver`` on a pool of ``POOL_MIN``-``POOL_MAX`` connections.

    Raises ``CheckpointError`` naming the redacted URL when the server cannot
    be reached, refuses the login, or the tables cannot be made.
    """
    kwargs = _connect_kwargs(store)
    try:
        conn = await psycopg.AsyncConnection.connect(store.url, **kwargs)
    except psycopg.Error as exc:
        raise CheckpointError(
            f"cannot reach PostgreSQL at {store.display}: {_scrubbed(exc, store)}",
            hint="start PostgreSQL or fix checkpoints.url (host, port, user, "
            "password, database)",
        ) from None
    try:
        async with conn:
            await prepare_schema(conn)
    except psycopg.Error as exc:
        raise CheckpointError(
            f"cannot create the checkpoint tables in {store.display}: "
            f"{_scrubbed(exc, store)}",
            hint="the user needs CREATE rights on the database's schema",
        ) from None
    pool = _pool(store, kwargs)
    try:
        await pool.open(wait=True, timeout=float(CONNECT_TIMEOUT_S * 2))
    except psycopg.Error as exc:
        await pool.close()
        raise CheckpointError(
            f"cannot reach PostgreSQL at {store.display}: {_scrubbed(exc, store)}",
            hint="start PostgreSQL or fix checkpoints.url",
        ) from None
    try:
        yield PostgresSaver(pool, serde=make_serializer(), display_url=store.display)
    finally:
        await pool.close()
