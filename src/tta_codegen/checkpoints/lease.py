"""Run leases: exactly one process runs a thread at a time.

Whoever runs a thread (``resume``, ``generate``, a batch, a fleet worker) first
takes the thread's lease; a second runner is refused with ``ThreadBusyError``
naming the holder. The lease lives beside the checkpoints, one implementation
per store behind one interface:

* Redis: a key set if absent with an expiry, renewed by a heartbeat; a dead
  holder's lease lapses after ``fleet.lease_s`` (at once when the holder was a
  process of this host that no longer exists). Every take, renewal and
  release is appended to a stream (the lease log) for audits.
* PostgreSQL: a session advisory lock on a connection of its own; the server
  drops it when the holder's connection dies.
* SQLite: an ``flock`` on a lock file beside the database; the kernel drops it
  when the holder dies.
* memory: a set in this process (the store is this process's only).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import os
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Protocol

from tta_codegen.checkpoints.urls import parse_store_url
from tta_codegen.errors import StoreUnavailableError, ThreadBusyError

if TYPE_CHECKING:
    import redis.asyncio as aioredis

    from tta_codegen.settings import Settings

__all__ = [
    "LeaseStore",
    "hold_lease",
    "lease_log_key",
    "open_lease_store",
    "process_holder",
]

LEASE_LOG_MAXLEN = 100_000
"""Entries the Redis lease log keeps (approximately)."""


def process_holder(role: str) -> str:
    """How a lease names its holder: role, host and process id."""
    return f"{role}@{socket.gethostname()}:{os.getpid()}"


def holder_is_dead(holder: str) -> bool:
    """True when ``holder`` names a process of this host that no longer runs
    (its lease need not lapse first: a killed ``generate`` is resumable at once)."""
    _, _, where = holder.partition("@")
    host, _, pid = where.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # alive, another user's
    return False


def lease_log_key(prefix: str) -> str:
    """The Redis stream of lease events (take, renew, release)."""
    return f"{prefix}:lease-log"


class LeaseStore(Protocol):
    """Take, renew and give back the run lease of a thread."""

    async def acquire(self, thread_id: str, holder: str, ttl_s: float) -> str | None:
        """Take the lease; None on success, else the current holder."""
        ...

    async def renew(self, thread_id: str, holder: str, ttl_s: float) -> bool:
        """Extend the lease; False when ``holder`` no longer holds it."""
        ...

    async def release(self, thread_id: str, holder: str) -> None:
        """Give the lease back (only if ``holder`` still holds it)."""
        ...

    async def holder(self, thread_id: str) -> str | None:
        """Who holds the lease now, or None."""
        ...


@asynccontextmanager
async def hold_lease(
    store: LeaseStore,
    thread_id: str,
    holder: str,
    ttl_s: float,
    *,
    on_lost: Callable[[], None] = lambda: None,
) -> AsyncIterator[None]:
    """Hold the thread's lease for the block, renewed every third of ``ttl_s``.

    Raises ``ThreadBusyError`` when another holder has it. Should a renewal find
    the lease gone (this process stalled past ``ttl_s``), ``on_lost`` is called
    so the caller stops running the thread.
    """
    current = await store.acquire(thread_id, holder, ttl_s)
    if current is not None and holder_is_dead(current):
        await store.release(thread_id, current)  # its process died on this host
        current = await store.acquire(thread_id, holder, ttl_s)
    if current is not None:
        raise ThreadBusyError(
            f"thread {thread_id} is being run by {current}",
            hint="wait for it to finish, or follow it with "
            f"`tta-codegen runs watch {thread_id}`",
        )

    async def heartbeat() -> None:
        while True:
            await asyncio.sleep(ttl_s / 3)
            try:
                kept = await store.renew(thread_id, holder, ttl_s)
            except StoreUnavailableError:
                continue  # try again next beat; the lease may still be ours
            if not kept:
                on_lost()
                return

    beat = asyncio.create_task(heartbeat())
    try:
        yield
    finally:
        beat.cancel()
        await asyncio.gather(beat, return_exceptions=True)
        with contextlib.suppress(StoreUnavailableError):
            await asyncio.shield(store.release(thread_id, holder))


class MemoryLeases:
    """Leases of one process (for ``memory://`` checkpoints)."""

    def __init__(self) -> None:
        self._held: dict[str, str] = {}

    async def acquire(self, thread_id: str, holder: str, ttl_s: float) -> str | None:
        current = self._held.setdefault(thread_id, holder)
        return None if current == holder else current

    async def renew(self, thread_id: str, holder: str, ttl_s: float) -> bool:
        return self._held.get(thread_id) == holder

    async def release(self, thread_id: str, holder: str) -> None:
        if self._held.get(thread_id) == holder:
            del self._held[thread_id]

    async def holder(self, thread_id: str) -> str | None:
        return self._held.get(thread_id)


class FileLeases:
    """``flock`` on ``<database>.leases/<thread hash>.lock``; the holder's name is
    written into the file."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._open: dict[tuple[str, str], IO[str]] = {}

    def _path(self, thread_id: str) -> Path:
        digest = hashlib.sha256(thread_id.encode()).hexdigest()[:32]
        return self._folder / f"{digest}.lock"

    async def acquire(self, thread_id: str, holder: str, ttl_s: float) -> str | None:
        self._folder.mkdir(parents=True, exist_ok=True)
        handle = self._path(thread_id).open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            current = handle.read().strip() or "another process"
            handle.close()
            return current
        handle.seek(0)
        handle.truncate()
        handle.write(holder)
        handle.flush()
        self._open[(thread_id, holder)] = handle
        return None

    async def renew(self, thread_id: str, holder: str, ttl_s: float) -> bool:
        return (thread_id, holder) in self._open

    async def release(self, thread_id: str, holder: str) -> None:
        handle = self._open.pop((thread_id, holder), None)
        if handle is None:
            return
        handle.seek(0)
        handle.truncate()
        handle.flush()
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        handle.close()

    async def holder(self, thread_id: str) -> str | None:
        path = self._path(thread_id)
        if not path.exists():
            return None
        with path.open("r", encoding="utf-8") as handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return handle.read().strip() or "another process"
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            return None


_ACQUIRE = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], '*', 'thread', ARGV[3],
             'holder', ARGV[1], 'op', 'acquire', 'ttl_ms', ARGV[2])
  return false
end
return redis.call('GET', KEYS[1])
"""

_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], '*', 'thread', ARGV[3],
             'holder', ARGV[1], 'op', 'renew', 'ttl_ms', ARGV[2])
  return 1
end
return 0
"""

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', 'thread', ARGV[2],
             'holder', ARGV[1], 'op', 'release', 'ttl_ms', '0')
end
return 1
"""


class RedisLeases:
    """``SET NX PX`` leases, renewed and released by compare-and-set scripts."""

    def __init__(self, redis: aioredis.Redis, prefix: str) -> None:
        self._redis = redis
        self._prefix = prefix
        self._log = lease_log_key(prefix)
        self._acquire = redis.register_script(_ACQUIRE)
        self._renew = redis.register_script(_RENEW)
        self._release = redis.register_script(_RELEASE)

    def key(self, thread_id: str) -> str:
        """The Redis key of a thread's lease."""
        return f"{self._prefix}:lease:{thread_id}"

    async def acquire(self, thread_id: str, holder: str, ttl_s: float) -> str | None:
        from tta_codegen.models._store import redis_errors  # noqa: PLC0415

        args: list[str | int] = [holder, int(ttl_s * 1000), thread_id, LEASE_LOG_MAXLEN]
        with redis_errors():
            current = await self._acquire(
                keys=[self.key(thread_id), self._log], args=args
            )
        if current is None:
            return None
        return current.decode() if isinstance(current, bytes) else str(current)

    async def renew(self, thread_id: str, holder: str, ttl_s: float) -> bool:
        from tta_codegen.models._store import redis_errors  # noqa: PLC0415

        args: list[str | int] = [holder, int(ttl_s * 1000), thread_id, LEASE_LOG_MAXLEN]
        with redis_errors():
            kept = await self._renew(keys=[self.key(thread_id), self._log], args=args)
        return bool(int(kept))

    async def release(self, thread_id: str, holder: str) -> None:
        from tta_codegen.models._store import redis_errors  # noqa: PLC0415

        args: list[str | int] = [holder, thread_id, LEASE_LOG_MAXLEN]
        with redis_errors():
            await self._release(keys=[self.key(thread_id), self._log], args=args)

    async def holder(self, thread_id: str) -> str | None:
        from tta_codegen.models._store import redis_errors  # noqa: PLC0415

        with redis_errors():
            current = await self._redis.get(self.key(thread_id))
        return current.decode() if isinstance(current, bytes) else current


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


@asynccontextmanager
async def open_lease_store(settings: Settings) -> AsyncIterator[LeaseStore]:
    """The lease store beside the configured checkpoint store."""
    section = settings.checkpoints
    assert section.url is not None  # filled in by Settings
    store = parse_store_url(section.url)
    if store.kind == "memory":
        yield MemoryLeases()
    elif store.kind == "sqlite":
        folder = (
            store.path.with_name(store.path.name + ".leases")
            if store.path is not None
            else settings.state_dir / "memory-sqlite.leases"
        )
        yield FileLeases(folder)
    elif store.kind == "postgres":
        pg = PostgresLeases(store.url)
        try:
            yield pg
        finally:
            await pg.aclose()
    else:
        from redis.asyncio import Redis  # noqa: PLC0415

        client = Redis.from_url(store.url, socket_connect_timeout=5)
        try:
            yield RedisLeases(client, section.key_prefix)
        finally:
            await client.aclose()
