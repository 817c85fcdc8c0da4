"""Foreign or corrupted checkpoint data is refused with CheckpointError.

Each test writes raw bytes straight into the store, as anyone with write access
to it could, and reads through the saver.
"""

from __future__ import annotations

from pathlib import Path

import aiosqlite
import ormsgpack
import pytest
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.serde.jsonplus import (
    EXT_CONSTRUCTOR_POS_ARGS,
    EXT_PYDANTIC_V2,
)

from tta_codegen.checkpoints import RedisSaver, SqliteSaver, open_checkpointer
from tta_codegen.errors import CheckpointError

from .helpers import put_chain

# What an attacker would store: "call subprocess.Popen(['true'])" on load.
FOREIGN = ormsgpack.packb(
    {
        "x": ormsgpack.Ext(
            EXT_CONSTRUCTOR_POS_ARGS,
            ormsgpack.packb(["subprocess", "Popen", [["true"]]]),
        )
    }
)
# One of our own types whose fields do not validate.
INVALID_OWN = ormsgpack.packb(
    ormsgpack.Ext(
        EXT_PYDANTIC_V2,
        ormsgpack.packb(["tta_codegen.state", "Usage", {"input_tokens": "many"}, ""]),
    )
)
GARBAGE = b"\xc1\xc1 not msgpack"

THREAD = {"configurable": {"thread_id": "t", "checkpoint_ns": ""}}


@pytest.mark.unit
@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (FOREIGN, "subprocess.Popen is not allow-listed"),
        (INVALID_OWN, "tta_codegen.state.Usage could not be rebuilt"),
        (GARBAGE, "corrupted"),
    ],
)
async def test_memory_refuses_foreign_channel_value(
    payload: bytes, reason: str
) -> None:
    async with open_checkpointer("memory://") as saver:
        assert isinstance(saver, InMemorySaver)
        await put_chain(saver, "t", 1)
        for key in list(saver.blobs):
            saver.blobs[key] = ("msgpack", payload)

        with pytest.raises(CheckpointError, match=reason):
            await saver.aget_tuple(THREAD)


@pytest.mark.unit
async def test_memory_refuses_pickle_in_pending_writes() -> None:
    async with open_checkpointer("memory://") as saver:
        assert isinstance(saver, InMemorySaver)
        await put_chain(saver, "t", 1)
        for key, writes in saver.writes.items():
            saver.writes[key] = {
                k: (w[0], w[1], ("pickle", b"cos\nsystem\n."), w[3])
                for k, w in writes.items()
            }

        with pytest.raises(CheckpointError, match="encoding 'pickle'"):
            await saver.aget_tuple(THREAD)


@pytest.mark.integration
@pytest.mark.parametrize(
    ("column", "payload", "reason"),
    [
        ("checkpoint", FOREIGN, "not allow-listed"),
        ("checkpoint", GARBAGE, "corrupted"),
        ("metadata", GARBAGE, "cannot read checkpoint"),
    ],
)
async def test_sqlite_refuses_foreign_rows(
    tmp_path: Path, column: str, payload: bytes, reason: str
) -> None:
    db = tmp_path / "cp.sqlite"
    async with open_checkpointer(f"sqlite:///{db}") as saver:
        assert isinstance(saver, SqliteSaver)
        await put_chain(saver, "t", 1)
    async with aiosqlite.connect(db) as conn:
        await conn.execute(f"UPDATE checkpoints SET {column} = ?", (payload,))  # noqa: S608
        await conn.commit()

    async with open_checkpointer(f"sqlite:///{db}") as saver:
        with pytest.raises(CheckpointError, match=reason):
            await saver.aget_tuple(THREAD)
        with pytest.raises(CheckpointError, match=reason):
            _ = [t async for t in saver.alist(THREAD)]


@pytest.mark.redis
@pytest.mark.integration
@pytest.mark.parametrize(
    ("field", "reason"),
    [("checkpoint", "not allow-listed"), ("record", "is corrupted")],
)
async def test_redis_refuses_foreign_records(
    redis_url: str, prefix: str, field: str, reason: str
) -> None:
    async with open_checkpointer(redis_url, key_prefix=prefix) as saver:
        assert isinstance(saver, RedisSaver)
        stored = await put_chain(saver, "t", 1)
        cid = stored[0]["configurable"]["checkpoint_id"]
        key = f"{prefix}:th:t::cps"
        if field == "record":
            await saver.client.hset(key, cid, GARBAGE)
        else:
            record = ormsgpack.unpackb(await saver.client.hget(key, cid))
            record[1:3] = ["msgpack", FOREIGN]
            await saver.client.hset(key, cid, ormsgpack.packb(record))

        with pytest.raises(CheckpointError, match=reason):
            await saver.aget_tuple(THREAD)
        with pytest.raises(CheckpointError, match=reason):
            _ = [t async for t in saver.alist(THREAD)]


@pytest.mark.redis
@pytest.mark.integration
async def test_redis_refuses_foreign_pending_write(redis_url: str, prefix: str) -> None:
    async with open_checkpointer(redis_url, key_prefix=prefix) as saver:
        assert isinstance(saver, RedisSaver)
        await put_chain(saver, "t", 1)
        key = f"{prefix}:th:t::wr"
        for field, raw in (await saver.client.hgetall(key)).items():
            write = ormsgpack.unpackb(raw)
            write[3:5] = ["msgpack", FOREIGN]
            await saver.client.hset(key, field, ormsgpack.packb(write))

        with pytest.raises(CheckpointError, match="subprocess.Popen"):
            await saver.aget_tuple(THREAD)


@pytest.mark.redis
@pytest.mark.integration
async def test_redis_refuses_malformed_write_record(
    redis_url: str, prefix: str
) -> None:
    async with open_checkpointer(redis_url, key_prefix=prefix) as saver:
        assert isinstance(saver, RedisSaver)
        await put_chain(saver, "t", 1)
        key = f"{prefix}:th:t::wr"
        for field in await saver.client.hkeys(key):
            await saver.client.hset(key, field, ormsgpack.packb(["only", 2]))

        with pytest.raises(CheckpointError, match="is corrupted"):
            await saver.aget_tuple(THREAD)
