"""Behaviour of our Redis saver that the conformance suite does not check."""

from __future__ import annotations

import asyncio

import pytest
from redis.asyncio import Redis

from tta_codegen.checkpoints import RedisSaver, list_thread_ids, open_checkpointer

from .helpers import put_chain

pytestmark = [pytest.mark.redis, pytest.mark.integration]


async def _keys(client: Redis, prefix: str) -> list[bytes]:
    return sorted([k async for k in client.scan_iter(match=f"{prefix}:*")])


async def _ids(saver: RedisSaver, thread_id: str) -> list[str]:
    config = {"configurable": {"thread_id": thread_id, "checkpoint_ns": ""}}
    return [t.checkpoint["id"] async for t in saver.alist(config)]


@pytest.mark.slow
async def test_ttl_is_refreshed_on_every_write_of_a_live_thread(
    redis_url: str, prefix: str
) -> None:
    async with open_checkpointer(redis_url, key_prefix=prefix, ttl_s=2) as saver:
        assert isinstance(saver, RedisSaver)
        first = (await put_chain(saver, "long-lived", 1))[0]
        thread_keys = [k for k in await _keys(saver.client, prefix) if b":th:" in k]
        # Write for 3 s in all (longer than the TTL), in two namespaces.
        for _ in range(4):
            await asyncio.sleep(0.75)
            await put_chain(saver, "long-lived", 1, ns="child:1")
            await saver.aput_writes(first, [("y", 1)], "late-task")

        keys = [k for k in await _keys(saver.client, prefix) if b":th:" in k]
        assert set(thread_keys) <= set(keys)
        for key in keys:
            ttl_ms = await saver.client.pttl(key)
            assert 0 < ttl_ms <= 2000, (key, ttl_ms)
        oldest = await saver.aget_tuple(first)
        assert oldest is not None
        assert oldest.checkpoint["channel_values"] == {"x": "v"}
        assert await list_thread_ids(saver) == ["long-lived"]


async def test_without_ttl_nothing_expires(redis_url: str, prefix: str) -> None:
    async with open_checkpointer(redis_url, key_prefix=prefix) as saver:
        assert isinstance(saver, RedisSaver)
        await put_chain(saver, "t", 2)
        keys = await _keys(saver.client, prefix)
        assert keys
        assert all([await saver.client.pttl(k) == -1 for k in keys])


async def test_two_prefixes_share_one_redis_without_touching_each_other(
    redis_url: str, prefix: str
) -> None:
    async with (
        open_checkpointer(redis_url, key_prefix=f"{prefix}-a") as a,
        open_checkpointer(redis_url, key_prefix=f"{prefix}-b") as b,
    ):
        assert isinstance(a, RedisSaver) and isinstance(b, RedisSaver)
        await put_chain(a, "same-thread", 2, value="from-a")
        await put_chain(b, "same-thread", 3, value="from-b")
        b_keys_before = await _keys(b.client, f"{prefix}-b")

        await a.adelete_thread("same-thread")
        await a.aprune(["same-thread"], strategy="delete")

        assert (
            await a.aget_tuple({"configurable": {"thread_id": "same-thread"}}) is None
        )
        assert await _keys(a.client, f"{prefix}-a") == []
        assert await _keys(b.client, f"{prefix}-b") == b_keys_before
        kept = await b.aget_tuple({"configurable": {"thread_id": "same-thread"}})
        assert kept is not None
        assert kept.checkpoint["channel_values"] == {"x": "from-b"}
        assert len(await _ids(b, "same-thread")) == 3
        assert await list_thread_ids(a) == []
        assert await list_thread_ids(b) == ["same-thread"]


async def test_keep_last_prunes_old_checkpoints_and_their_writes(
    redis_url: str, prefix: str
) -> None:
    async with open_checkpointer(redis_url, key_prefix=prefix, keep_last=2) as saver:
        assert isinstance(saver, RedisSaver)
        stored = await put_chain(saver, "t", 5)

        ids = await _ids(saver, "t")
        assert ids == [c["configurable"]["checkpoint_id"] for c in stored[:2:-1]]
        assert await saver.aget_tuple(stored[0]) is None
        latest = await saver.aget_tuple(stored[-1])
        assert latest is not None
        assert [w[2] for w in latest.pending_writes or []] == ["w4"]
        base = f"{prefix}:th:t::"
        assert await saver.client.hlen(base + "wr") == 2
        assert await saver.client.zcard(base + "widx") == 2
        assert await saver.client.hlen(base + "cps") == 2


async def test_thread_ids_with_separators_and_glob_characters_stay_apart(
    redis_url: str, prefix: str
) -> None:
    async with open_checkpointer(redis_url, key_prefix=prefix) as saver:
        for thread_id in ("a", "a:b", "a*", "[a]", "a b/ü"):
            await put_chain(saver, thread_id, 1, value=thread_id)

        await saver.adelete_thread("a")
        await saver.adelete_thread("a*")

        remaining = sorted(await list_thread_ids(saver))
        assert remaining == sorted(["a:b", "[a]", "a b/ü"])
        for thread_id in remaining:
            tup = await saver.aget_tuple({"configurable": {"thread_id": thread_id}})
            assert tup is not None
            assert tup.checkpoint["channel_values"] == {"x": thread_id}


async def test_list_thread_ids_newest_first_and_limited(
    redis_url: str, prefix: str
) -> None:
    async with open_checkpointer(redis_url, key_prefix=prefix, ttl_s=60) as saver:
        for thread_id in ("first", "second", "third"):
            await put_chain(saver, thread_id, 1)
        await put_chain(saver, "first", 1)

        assert await list_thread_ids(saver) == ["first", "third", "second"]
        assert await list_thread_ids(saver, limit=2) == ["first", "third"]


async def test_prefix_with_glob_characters_is_deleted_exactly(
    redis_url: str, prefix: str
) -> None:
    odd = f"{prefix}-[odd]*"
    async with (
        open_checkpointer(redis_url, key_prefix=odd) as saver,
        open_checkpointer(redis_url, key_prefix=f"{prefix}-o") as neighbour,
    ):
        assert isinstance(saver, RedisSaver) and isinstance(neighbour, RedisSaver)
        await put_chain(saver, "t", 2)
        await put_chain(neighbour, "t", 1)

        await saver.adelete_thread("t")

        assert await saver.aget_tuple({"configurable": {"thread_id": "t"}}) is None
        left = [k async for k in saver.client.scan_iter(match=f"{prefix}-*")]
        assert [k for k in left if b"[odd]" in k] == []
        assert await neighbour.aget_tuple({"configurable": {"thread_id": "t"}})
