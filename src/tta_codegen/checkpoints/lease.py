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

The stores are in ``lease_redis``, ``lease_postgres`` and ``lease_local``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Protocol

from tta_codegen.checkpoints.lease_local import FileLeases, MemoryLeases
from tta_codegen.checkpoints.lease_postgres import PostgresLeases
from tta_codegen.checkpoints.lease_redis import RedisLeases
from tta_codegen.checkpoints.urls import parse_store_url
from tta_codegen.errors import StoreUnavailableError, ThreadBusyError

if TYPE_CHECKING:
    from tta_codegen.settings import Settings

__all__ = ["LeaseStore", "hold_lease", "open_lease_store", "process_holder"]


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
        follow = (
            f"follow it with `tta-codegen runs watch {thread_id}`"
            if current.startswith("worker@")
            else f"see where it is with `tta-codegen runs show {thread_id}`"
        )
        raise ThreadBusyError(
            f"thread {thread_id} is being run by {current}",
            hint=f"wait for it to finish, or {follow}",
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
