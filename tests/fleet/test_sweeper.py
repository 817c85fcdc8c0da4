"""The sweeper re-queues lapsed runs of its own queue, and only those."""

from __future__ import annotations

import uuid

import pytest
import redis.asyncio as aioredis

from tta_codegen.checkpoints.lease_local import MemoryLeases
from tta_codegen.fleet.records import FleetRecords
from tta_codegen.fleet.sweeper import sweep_once

pytestmark = [pytest.mark.fleet, pytest.mark.redis, pytest.mark.integration]


async def test_a_sweeper_requeues_only_the_lapsed_runs_of_its_own_queue(
    redis_url: str,
) -> None:
    client = aioredis.from_url(redis_url)
    prefix = f"sweep-{uuid.uuid4().hex[:8]}"
    records = FleetRecords(client, prefix)
    leases = MemoryLeases()
    try:
        for thread_id, queue in (("mine", "q1"), ("theirs", "q2"), ("held", "q1")):
            await records.queue(thread_id, request=None, decision=None, queue=queue)
            await records.set_status(thread_id, "running")
            await client.hset(records.run_key(thread_id), "updated", "0")  # lapsed
        await leases.acquire("held", "worker@elsewhere:1", 60)  # still running

        sent: list[str] = []
        requeued = await sweep_once(records, leases, 1.0, sent.append, "q1")

        assert requeued == sent == ["mine"]
        statuses = [(await records.get(t)) for t in ("mine", "theirs", "held")]
        assert [r.status for r in statuses if r] == ["queued", "running", "running"]
    finally:
        await client.delete(*[k async for k in client.scan_iter(f"{prefix}:*")])
        await client.aclose()
