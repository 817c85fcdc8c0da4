"""Per-provider request limits held in Redis bind every process sharing it."""

from __future__ import annotations

import asyncio
import uuid

import pytest
import redis.asyncio as aioredis

from tta_codegen.models.shared_limits import SharedProviderLimits
from tta_codegen.settings import ProviderSettings

pytestmark = [pytest.mark.fleet, pytest.mark.redis]


def _two_processes(
    client: aioredis.Redis, provider: ProviderSettings, sleeps: list[float]
) -> tuple[SharedProviderLimits, SharedProviderLimits]:
    """Two limit holders on one Redis, as two workers would have."""

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        await asyncio.sleep(0.01)

    prefix = f"limits-{uuid.uuid4().hex[:8]}"
    return (
        SharedProviderLimits(client, prefix, {"p": provider}, sleep=sleep),
        SharedProviderLimits(client, prefix, {"p": provider}, sleep=sleep),
    )


async def test_in_flight_cap_holds_across_processes(redis_url: str) -> None:
    client = aioredis.Redis.from_url(redis_url)
    provider = ProviderSettings(base_url="http://x/v1", max_concurrent_requests=1)
    first, second = _two_processes(client, provider, [])
    order: list[str] = []

    async def call(limits: SharedProviderLimits, name: str) -> None:
        async with limits.slot("p"):
            order.append(f"{name} in")
            await asyncio.sleep(0.2)
            order.append(f"{name} out")

    await asyncio.gather(call(first, "a"), call(second, "b"))
    await client.aclose()
    assert order in (
        ["a in", "a out", "b in", "b out"],
        ["b in", "b out", "a in", "a out"],
    )


async def test_minute_window_holds_across_processes(redis_url: str) -> None:
    client = aioredis.Redis.from_url(redis_url)
    provider = ProviderSettings(base_url="http://x/v1", max_requests_per_minute=2)
    sleeps: list[float] = []
    first, second = _two_processes(client, provider, sleeps)
    async with first.slot("p"), second.slot("p"):
        pass
    assert sleeps == []

    third = asyncio.create_task(_enter(first))
    await asyncio.sleep(0.1)
    third.cancel()
    await client.aclose()
    assert sleeps and 59 < sleeps[0] <= 60  # the third request waits its minute


async def _enter(limits: SharedProviderLimits) -> None:
    async with limits.slot("p"):
        pass
