"""Run leases in PostgreSQL: a session advisory lock on a connection of its
own; the server drops it when the holder's connection dies."""

from __future__ import annotations

import contextlib
import hashlib

from tta_codegen.errors import StoreUnavailableError

__all__ = ["PostgresLeases"]

_LOCK_SPACE = 0x7474_6163  # "ttac": our advisory locks' first key
_HOLDER_SQL = """
SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a USING (pid)
WHERE l.locktype = 'advisory' AND l.granted AND l.classid = %s::oid
  AND l.objid = %s::oid AND l.objsubid = 2
"""


def _lock_key(thread_id: str) -> int:
    """A thread's advisory lock key (second half), a signed 32-bit number."""
    value = int.from_bytes(hashlib.sha256(thread_id.encode()).digest()[:4], "big")
    return value - 2**32 if value >= 2**31 else value


class PostgresLeases:
    """Session advisory locks, one connection per held lease; the holder's name
    is that connection's ``application_name``."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._conns: dict[tuple[str, str], object] = {}

    async def acquire(self, thread_id: str, holder: str, ttl_s: float) -> str | None:
        import psycopg  # noqa: PLC0415

        try:
            conn = await psycopg.AsyncConnection.connect(
                self._url, autocommit=True, application_name=holder[:63]
            )
        except psycopg.Error as exc:
            raise StoreUnavailableError(
                f"cannot take the run lease in PostgreSQL: {type(exc).__name__}"
            ) from None
        key = _lock_key(thread_id)
        cur = await conn.execute(
            "SELECT pg_try_advisory_lock(%s, %s)", (_LOCK_SPACE, key)
        )
        row = await cur.fetchone()
        if row is not None and row[0]:
            self._conns[(thread_id, holder)] = conn
            return None
        current = await self._holder_on(conn, key)
        await conn.close()
        return current or "another process"

    async def _holder_on(self, conn: object, key: int) -> str | None:
        import psycopg  # noqa: PLC0415

        assert isinstance(conn, psycopg.AsyncConnection)
        cur = await conn.execute(_HOLDER_SQL, (_LOCK_SPACE, key % 2**32))
        row = await cur.fetchone()
        return str(row[0]) if row else None

    async def renew(self, thread_id: str, holder: str, ttl_s: float) -> bool:
        import psycopg  # noqa: PLC0415

        conn = self._conns.get((thread_id, holder))
        if not isinstance(conn, psycopg.AsyncConnection):
            return False
        try:
            await conn.execute("SELECT 1")
        except psycopg.Error:
            return False  # the connection, and with it the lock, is gone
        return True

    async def release(self, thread_id: str, holder: str) -> None:
        import psycopg  # noqa: PLC0415

        conn = self._conns.pop((thread_id, holder), None)
        if isinstance(conn, psycopg.AsyncConnection):
            with contextlib.suppress(psycopg.Error):
                await conn.close()  # closing the session drops its advisory lock

    async def holder(self, thread_id: str) -> str | None:
        import psycopg  # noqa: PLC0415

        async with await psycopg.AsyncConnection.connect(
            self._url, autocommit=True
        ) as conn:
            return await self._holder_on(conn, _lock_key(thread_id))

    async def aclose(self) -> None:
        """Drop every lease still held."""
        for thread_id, holder in list(self._conns):
            await self.release(thread_id, holder)
