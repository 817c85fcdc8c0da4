"""Shared-state plumbing for the model layer: a locked JSON file and Redis.

The local file is read and rewritten under an exclusive ``flock`` on a sidecar
lock file, and replaced atomically (temp file + rename), so concurrent processes
(and threads) never see a half-written file or lose an update. Transactions that
coroutines of one process start together are applied in order under one lock and
written once (group commit): a hundred concurrent runs do not queue a hundred
renames.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import redis.asyncio as aioredis

from tta_codegen.errors import ConfigError, StoreUnavailableError
from tta_codegen.files import atomic_write

__all__ = ["JsonDoc", "LockedJsonFile", "open_redis", "redis_errors"]

T = TypeVar("T")
JsonDoc = dict[str, Any]
_Pending = tuple[Callable[[JsonDoc], Any], "asyncio.Future[Any]"]
_Outcome = tuple[bool, Any]


class LockedJsonFile:
    """A JSON object on disk, updated atomically under an exclusive lock."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock_path = path.with_name(path.name + ".lock")
        self._batch: list[_Pending] | None = None
        self._commits: set[asyncio.Task[None]] = set()

    @contextlib.contextmanager
    def _locked(self, *, wait: bool = True) -> Iterator[bool]:
        """Hold the exclusive lock; with ``wait=False`` yield False if it is busy."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock_path.open("a") as lock:
            try:
                fcntl.flock(
                    lock.fileno(), fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB)
                )
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(lock.fileno(), fcntl.LOCK_UN)

    def _read_unlocked(self) -> JsonDoc:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            return {}
        return data if isinstance(data, dict) else {}

    def _write_unlocked(self, doc: JsonDoc) -> None:
        # dumps, not dump: only the one-shot encoder is the C one
        atomic_write(self.path, json.dumps(doc, separators=(",", ":"), sort_keys=True))

    def _apply(self, fn: Callable[[JsonDoc], T]) -> T:
        doc = self._read_unlocked()
        before = json.dumps(doc, sort_keys=True)
        result = fn(doc)
        if json.dumps(doc, sort_keys=True) != before:
            self._write_unlocked(doc)
        return result

    def _apply_all(self, batch: list[_Pending]) -> list[_Outcome]:
        """Apply each pending function in order and write once. A function that
        raises leaves the document as it found it (like a failed transaction of
        its own); a failed write fails them all."""
        doc = self._read_unlocked()
        before = json.dumps(doc, sort_keys=True)
        outcomes: list[_Outcome] = []
        current = before
        for fn, _ in batch:
            try:
                outcomes.append((True, fn(doc)))
                current = json.dumps(doc, sort_keys=True)
            except Exception as exc:  # settled on that caller's future
                doc = json.loads(current)
                outcomes.append((False, exc))
        if current != before:
            self._write_unlocked(doc)
        return outcomes

    def _apply_all_sync(self, batch: list[_Pending]) -> list[_Outcome]:
        with self._locked():
            return self._apply_all(batch)

    async def _commit(self) -> None:
        """Take the batch gathered this loop turn and settle every future in it."""
        await asyncio.sleep(0)
        batch, self._batch = self._batch or [], None
        try:
            with self._locked(wait=False) as acquired:
                outcomes = self._apply_all(batch) if acquired else None
            if outcomes is None:
                outcomes = await asyncio.to_thread(self._apply_all_sync, batch)
        except BaseException as exc:
            outcomes = [(False, exc)] * len(batch)
        for (_, future), (ok, value) in zip(batch, outcomes, strict=True):
            if future.done():
                continue
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)

    def transact_sync(self, fn: Callable[[JsonDoc], T]) -> T:
        """Run ``fn`` on the document under the lock; write it back if it changed."""
        with self._locked():
            return self._apply(fn)

    def read_sync(self) -> JsonDoc:
        """The current document (empty when the file does not exist yet)."""
        return self._read_unlocked()

    async def transact(self, fn: Callable[[JsonDoc], T]) -> T:
        """``transact_sync`` without blocking the event loop: done in place when
        the lock is free (the usual case, well under a millisecond), else in a
        worker thread that waits for the lock. Calls made by other coroutines
        in the same loop turn are applied with this one and written once."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        if self._batch is None:
            self._batch = []
            task = asyncio.create_task(self._commit())
            self._commits.add(task)
            task.add_done_callback(self._commits.discard)
        self._batch.append((fn, future))
        return await future  # type: ignore[no-any-return]

    async def read(self) -> JsonDoc:
        """The current document, read without taking the lock (rename is atomic)."""
        return self._read_unlocked()


def open_redis(url: str) -> aioredis.Redis:
    """An asyncio Redis client for ``url`` (connects lazily)."""
    import redis.asyncio as aioredis  # noqa: PLC0415 (only when Redis is used)
    from redis.exceptions import RedisError  # noqa: PLC0415

    try:
        client: aioredis.Redis = aioredis.Redis.from_url(url, decode_responses=True)
    except (ValueError, RedisError) as exc:
        raise ConfigError(
            f"routing.stats_url is not a usable Redis URL: {exc}"
        ) from None
    return client


@contextlib.contextmanager
def redis_errors() -> Iterator[None]:
    """Translate Redis failures into a StoreUnavailableError naming the setting."""
    from redis.exceptions import RedisError  # noqa: PLC0415

    try:
        yield
    except RedisError as exc:
        raise StoreUnavailableError(
            f"the shared model stats store (routing.stats_url) stopped answering: "
            f"{type(exc).__name__}: {exc}",
            hint="check that Redis is reachable, or unset routing.stats_url; "
            "finished steps are kept",
        ) from None
