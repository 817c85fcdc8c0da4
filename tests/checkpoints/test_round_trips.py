"""Each write is exactly one round trip to Redis (counted on a real TCP relay)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

import pytest
from langgraph.checkpoint.conformance.test_utils import (
    generate_checkpoint,
    generate_config,
    generate_metadata,
)

from tta_codegen.checkpoints import open_checkpointer

pytestmark = [pytest.mark.redis, pytest.mark.integration]


class RoundTrips:
    """Counts request -> reply turns on one connection through a loopback relay."""

    def __init__(self) -> None:
        self.count = 0
        self._last = "reply"

    def saw(self, direction: str) -> None:
        if direction == "reply" and self._last == "request":
            self.count += 1
        self._last = direction


@asynccontextmanager
async def relay(redis_url: str) -> AsyncIterator[tuple[str, RoundTrips]]:
    target = urlsplit(redis_url)
    trips = RoundTrips()
    tasks: set[asyncio.Task[None]] = set()

    async def pump(
        src: asyncio.StreamReader, dst: asyncio.StreamWriter, direction: str
    ) -> None:
        while data := await src.read(65536):
            trips.saw(direction)
            dst.write(data)
            await dst.drain()
        dst.close()

    async def handle(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        up_reader, up_writer = await asyncio.open_connection(
            target.hostname, target.port
        )
        for coro in (
            pump(reader, up_writer, "request"),
            pump(up_reader, writer, "reply"),
        ):
            task = asyncio.create_task(coro)
            tasks.add(task)
            task.add_done_callback(tasks.discard)

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"redis://127.0.0.1:{port}{target.path or '/0'}", trips
    finally:
        server.close()
        for task in list(tasks):
            task.cancel()


async def test_aput_and_aput_writes_take_one_round_trip_each(
    redis_url: str, prefix: str
) -> None:
    async with (
        relay(redis_url) as (url, trips),
        open_checkpointer(url, key_prefix=prefix, ttl_s=60, keep_last=2) as saver,
    ):
        config = generate_config("t")
        for step in range(4):  # keep_last prunes from the third write on
            checkpoint = generate_checkpoint(
                channel_values={"code": "x" * 20_000}, channel_versions={"code": step}
            )
            before = trips.count
            config = await saver.aput(
                config, checkpoint, generate_metadata(step=step), {"code": step}
            )
            assert trips.count - before == 1
            before = trips.count
            await saver.aput_writes(config, [("code", "y"), ("usage", 1)], f"t{step}")
            assert trips.count - before == 1
