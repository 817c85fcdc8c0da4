"""A LangGraph checkpointer on plain Redis 6.2+ / Valkey (core commands only).

Each write (``aput``, ``aput_writes``) is one script call: one round trip that
stores the data, prunes to ``keep_last`` and refreshes the expiry of every key
of the thread. Checkpoints are stored whole (channel values inline, not as
per-version blobs): a thread then has a fixed handful of keys, so TTL refresh,
pruning and copying never need reference counting. See docs/checkpoints.md.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, cast
from urllib.parse import quote, unquote

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import (
    WRITES_IDX_MAP,
    BaseCheckpointSaver,
    ChannelVersions,
    Checkpoint,
    CheckpointMetadata,
    CheckpointTuple,
    get_checkpoint_id,
    get_checkpoint_metadata,
)
from langgraph.checkpoint.serde.base import SerializerProtocol
from redis.asyncio import Redis
from redis.exceptions import RedisError

from tta_codegen.checkpoints import _redis_lua as lua
from tta_codegen.checkpoints._redis_records import (
    checkpoint_record,
    config_for,
    decode_tuple,
    write_record,
)
from tta_codegen.errors import StoreUnavailableError

__all__ = ["RedisSaver"]

_PAGE = 100
_SCAN_COUNT = 1000


def _enc(part: str) -> str:
    """Percent-encode a thread id or namespace for use inside a key."""
    return quote(part, safe="-._~")


def _glob_escape(text: str) -> str:
    """``text`` with SCAN MATCH's special characters escaped."""
    return "".join("\\" + c if c in "*?[]\\" else c for c in text)


def _s(raw: bytes | str) -> str:
    return raw.decode() if isinstance(raw, bytes) else raw


class RedisSaver(BaseCheckpointSaver[str]):
    """Async checkpointer on plain Redis: prefix, TTL, keep_last, one trip/write."""

    def __init__(
        self,
        client: Redis,
        *,
        key_prefix: str = "tta-codegen",
        ttl_s: int | None = None,
        keep_last: int | None = None,
        serde: SerializerProtocol | None = None,
        display_url: str = "redis",
    ) -> None:
        super().__init__(serde=serde)
        if ttl_s is not None and ttl_s <= 0:
            raise ValueError("ttl_s must be positive")
        if keep_last is not None and keep_last <= 0:
            raise ValueError("keep_last must be positive")
        self.client = client
        self.key_prefix = key_prefix
        self.ttl_ms = (ttl_s or 0) * 1000
        self.keep_last = keep_last or 0
        self.display_url = display_url
        self._threads_key = f"{key_prefix}:threads"
        self._all_threads = f"{key_prefix}:th:"
        self._put = client.register_script(lua.APUT)
        self._put_writes = client.register_script(lua.APUT_WRITES)
        self._get = client.register_script(lua.GET)
        self._list = client.register_script(lua.LIST)
        self._trim = client.register_script(lua.TRIM)
        self._delete_runs = client.register_script(lua.DELETE_RUNS)
        self._copy = client.register_script(lua.COPY)
        self._scripts = (
            self._put,
            self._put_writes,
            self._get,
            self._list,
            self._trim,
            self._delete_runs,
            self._copy,
        )

    async def load_scripts(self) -> None:
        """Load the scripts now, so the first write is one round trip too."""
        with self._redis_errors():
            async with self.client.pipeline(transaction=False) as pipe:
                for script in self._scripts:
                    pipe.script_load(script.script)
                await pipe.execute()

    # -- keys and records ---------------------------------------------------

    def _base(self, thread_id: str) -> str:
        return f"{self.key_prefix}:th:{_enc(thread_id)}:"

    @contextmanager
    def _redis_errors(self) -> Iterator[None]:
        try:
            yield
        except RedisError as exc:
            raise StoreUnavailableError(
                f"checkpoint store {self.display_url} stopped answering: "
                f"{type(exc).__name__}: {exc}",
                hint="finished steps are kept; resume once the store is back",
            ) from exc

    # -- writes -------------------------------------------------------------

    async def aput(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        """Store a checkpoint (whole), prune and refresh the TTL: one round trip."""
        conf = config["configurable"]
        thread_id = str(conf["thread_id"])
        ns = str(conf.get("checkpoint_ns", ""))
        md = get_checkpoint_metadata(config, metadata)
        record = checkpoint_record(
            conf.get("checkpoint_id"),
            self.serde.dumps_typed(checkpoint),
            self.serde.dumps_typed(md),
        )
        run_id = md.get("run_id")
        args: list[str | bytes | int] = [
            self._base(thread_id),
            _enc(ns),
            checkpoint["id"],
            record,
            "" if run_id is None else str(run_id),
            self.ttl_ms,
            self.keep_last,
            thread_id,
            self._threads_key,
        ]
        with self._redis_errors():
            await self._put(args=args)
        return config_for(thread_id, ns, checkpoint["id"])

    async def aput_writes(
        self,
        config: RunnableConfig,
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        """Store a task's pending writes: one round trip."""
        conf = config["configurable"]
        thread_id = str(conf["thread_id"])
        replace = all(channel in WRITES_IDX_MAP for channel, _ in writes)
        args: list[Any] = [
            self._base(thread_id),
            _enc(str(conf.get("checkpoint_ns", ""))),
            str(conf["checkpoint_id"]),
            self.ttl_ms,
            thread_id,
            self._threads_key,
            "replace" if replace else "keep",
        ]
        for idx, (channel, value) in enumerate(writes):
            widx = WRITES_IDX_MAP.get(channel, idx)
            record = write_record(
                task_id, widx, channel, self.serde.dumps_typed(value), task_path
            )
            args += [f"{task_id}\0{widx}", record]
        with self._redis_errors():
            await self._put_writes(args=args)

    # -- reads --------------------------------------------------------------

    async def aget_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        """The checkpoint named by ``config``, or the thread's latest."""
        conf = config["configurable"]
        thread_id = str(conf["thread_id"])
        ns = str(conf.get("checkpoint_ns", ""))
        with self._redis_errors():
            found = await self._get(
                args=[self._base(thread_id), _enc(ns), get_checkpoint_id(config) or ""]
            )
        if not found:
            return None
        return decode_tuple(
            self.serde, thread_id, ns, _s(found[0]), found[1], found[2:]
        )

    async def _namespaces(self, thread_id: str) -> list[str]:
        with self._redis_errors():
            members = await self.client.smembers(self._base(thread_id) + "nss")
        return sorted(unquote(_s(m)) for m in members)

    async def _list_ns(
        self, thread_id: str, ns: str, before: str | None
    ) -> AsyncIterator[CheckpointTuple]:
        cursor = before or ""
        while True:
            with self._redis_errors():
                flat = await self._list(
                    args=[self._base(thread_id), _enc(ns), cursor, _PAGE]
                )
            i = 0
            count = 0
            while i < len(flat):
                cid, record, n = _s(flat[i]), flat[i + 1], int(flat[i + 2])
                yield decode_tuple(
                    self.serde, thread_id, ns, cid, record, flat[i + 3 : i + 3 + n]
                )
                i += 3 + n
                count += 1
                cursor = cid
            if count < _PAGE:
                return

    async def alist(
        self,
        config: RunnableConfig | None,
        *,
        filter: dict[str, Any] | None = None,
        before: RunnableConfig | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[CheckpointTuple]:
        """Checkpoints newest first, by thread (or all threads), filter, cursor."""
        before_id = get_checkpoint_id(before) if before else None
        if config is None:
            threads = await self.alist_threads(limit=None)
            ns_filter: str | None = None
        else:
            threads = [str(config["configurable"]["thread_id"])]
            raw_ns = config["configurable"].get("checkpoint_ns")
            ns_filter = None if raw_ns is None else str(raw_ns)
        found = 0
        if limit is not None and limit <= 0:
            return
        exact = get_checkpoint_id(config) if config else None
        if exact is not None:  # the one checkpoint named, as the official savers
            one = await self.aget_tuple(config) if config else None
            if one is None or (before_id is not None and exact >= before_id):
                return
            sources = [_aiter([one])]
        else:
            sources = await self._sources(threads, ns_filter, before_id)
        for source in sources:
            async for tup in source:
                if filter and any(tup.metadata.get(k) != v for k, v in filter.items()):
                    continue
                yield tup
                found += 1
                if limit is not None and found >= limit:
                    return

    async def _sources(
        self, threads: list[str], ns_filter: str | None, before_id: str | None
    ) -> list[AsyncIterator[CheckpointTuple]]:
        pairs: list[tuple[str, str]] = []
        for thread_id in threads:
            spaces = (
                await self._namespaces(thread_id) if ns_filter is None else [ns_filter]
            )
            pairs += [(thread_id, ns) for ns in spaces]
        if len(pairs) <= 1:
            return [self._list_ns(t, ns, before_id) for t, ns in pairs]
        merged: list[CheckpointTuple] = []
        for thread_id, ns in pairs:
            merged += [t async for t in self._list_ns(thread_id, ns, before_id)]
        merged.sort(key=lambda t: t.checkpoint["id"], reverse=True)
        return [_aiter(merged)]

    async def alist_threads(self, limit: int | None = 100) -> list[str]:
        """Thread ids, most recently written first (expired ones left out)."""
        oldest: float | str = "-inf"
        with self._redis_errors():
            if self.ttl_ms:
                now_s, now_us = await self.client.time()
                oldest = now_s * 1_000_000 + now_us - self.ttl_ms * 1000
            raw = await self.client.zrevrangebyscore(
                self._threads_key,
                "+inf",
                oldest,
                start=None if limit is None else 0,
                num=limit,
            )
        return [_s(cast(bytes, r)) for r in raw]

    # -- deletion, copy, pruning -------------------------------------------

    async def _scan_delete(self, thread_ids: Sequence[str]) -> None:
        bases = [self._base(t).encode() for t in thread_ids]
        if not bases:
            return
        scope = self._base(thread_ids[0]) if len(bases) == 1 else self._all_threads
        with self._redis_errors():
            batch: list[bytes] = []
            async for key in self.client.scan_iter(
                match=_glob_escape(scope) + "*", count=_SCAN_COUNT
            ):
                if any(key.startswith(b) for b in bases):
                    batch.append(key)
                if len(batch) >= 500:
                    await self.client.unlink(*batch)
                    batch = []
            if batch:
                await self.client.unlink(*batch)
            await self.client.zrem(self._threads_key, *thread_ids)

    async def adelete_thread(self, thread_id: str) -> None:
        """Delete every key of the thread (found with SCAN, removed with UNLINK)."""
        await self._scan_delete([str(thread_id)])

    async def adelete_for_runs(self, run_ids: Sequence[str]) -> None:
        """Delete the checkpoints (and their writes) written by these runs."""
        if not run_ids:
            return
        threads = await self.alist_threads(limit=None)
        with self._redis_errors():
            async with self.client.pipeline(transaction=False) as pipe:
                for thread_id in threads:
                    await self._delete_runs(
                        args=[self._base(thread_id), *map(str, run_ids)], client=pipe
                    )
                await pipe.execute()

    async def acopy_thread(self, source_thread_id: str, target_thread_id: str) -> None:
        """Copy every checkpoint and write of one thread into another."""
        with self._redis_errors():
            await self._copy(
                args=[
                    self._base(str(source_thread_id)),
                    self._base(str(target_thread_id)),
                    self.ttl_ms,
                    str(target_thread_id),
                    self._threads_key,
                ]
            )

    async def aprune(
        self, thread_ids: Sequence[str], *, strategy: str = "keep_latest"
    ) -> None:
        """``keep_latest``: newest checkpoint per namespace; ``delete``: all."""
        if not thread_ids:
            return
        if strategy == "delete":
            await self._scan_delete([str(t) for t in thread_ids])
            return
        if strategy != "keep_latest":
            raise ValueError(f"unknown prune strategy {strategy!r}")
        with self._redis_errors():
            async with self.client.pipeline(transaction=False) as pipe:
                for thread_id in thread_ids:
                    await self._trim(args=[self._base(str(thread_id)), 1], client=pipe)
                await pipe.execute()

    def get_next_version(self, current: str | None, channel: None) -> str:
        """Monotonic, string-sortable channel versions (as the official savers)."""
        if current is None:
            current_v = 0
        elif isinstance(current, int):
            current_v = current
        else:
            current_v = int(current.split(".")[0])
        return f"{current_v + 1:032}.{random.random():016}"  # noqa: S311


async def _aiter(items: list[CheckpointTuple]) -> AsyncIterator[CheckpointTuple]:
    for item in items:
        yield item
