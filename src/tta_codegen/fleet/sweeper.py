"""Re-queue runs whose worker died: running, but nobody holds their lease.

Every worker sweeps the runs of its own queue (another queue's runs are left to
that queue's workers, which may use another broker); a short-lived marker makes
sure one sweeper re-queues a given run once per lease time. A re-queued run
resumes from its last checkpoint on whichever worker takes it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from tta_codegen.checkpoints.lease import LeaseStore
from tta_codegen.fleet.records import FleetRecords

__all__ = ["sweep_once", "sweep_forever"]

log = logging.getLogger("tta_codegen.fleet")


async def sweep_once(
    records: FleetRecords,
    leases: LeaseStore,
    lease_s: float,
    requeue: Callable[[str], None],
    queue: str,
) -> list[str]:
    """Re-queue each lapsed run of ``queue`` once; returns their thread ids."""
    requeued: list[str] = []
    now = time.time()
    for thread_id in await records.active():
        record = await records.get(thread_id)
        if record is None:
            await records.redis.srem(records.active_key, thread_id)
            continue
        if record.status != "running" or now - record.updated < lease_s:
            continue
        if record.queue not in (None, queue):
            continue
        if await leases.holder(thread_id) is not None:
            continue
        marker = records.requeue_key(thread_id)
        if not await records.redis.set(marker, "1", nx=True, px=int(lease_s * 1000)):
            continue
        await records.set_status(thread_id, "queued")
        await records.publish(thread_id, {"type": "requeued"})
        await asyncio.to_thread(requeue, thread_id)
        log.warning("re-queued %s: its lease lapsed (worker lost)", thread_id)
        requeued.append(thread_id)
    return requeued


async def sweep_forever(
    records: FleetRecords,
    leases: LeaseStore,
    lease_s: float,
    requeue: Callable[[str], None],
    queue: str,
) -> None:
    """Sweep every half lease time until cancelled."""
    while True:
        await asyncio.sleep(lease_s / 2)
        try:
            await sweep_once(records, leases, lease_s, requeue, queue)
        except Exception:  # a sweep must never stop the worker
            log.exception("sweep failed")
