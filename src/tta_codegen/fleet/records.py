"""A run's record in the fleet's Redis: status, what to run, its event stream.

Keys (under the checkpoint key prefix):

* ``fleet:run:<thread>``: hash of status (queued, running, finished,
  cancelled), request / decision (JSON), the queue it was sent to, batch and
  its budget, worker, updated.
* ``fleet:events:<thread>``: stream of the run's events (``wire`` JSON).
* ``fleet:cancel:<thread>``: set by ``runs cancel``.
* ``fleet:active``: threads queued or running (the sweeper's work list).
* ``fleet:batch:<name>``: hash of a fleet batch's committed spend.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import redis.asyncio as aioredis

__all__ = ["FleetRecords", "RunRecord"]

EVENTS_MAXLEN = 20_000
"""Events a run's stream keeps (approximately); tokens are most of them."""
EVENTS_TTL_S = 7 * 86400
"""A run's record and events expire this long after their last write."""


@dataclass(frozen=True)
class RunRecord:
    """What a worker needs to run a thread."""

    thread_id: str
    status: str
    request: str | None
    """The request (JSON) of a run that has not started yet."""
    decision: str | None
    """A review answer (JSON) to resume with."""
    batch: str | None
    batch_max_cost: Decimal | None
    updated: float
    queue: str | None = None
    """The queue its turns are sent to (None: recorded before queues were)."""


class FleetRecords:
    """Run records, events and cancel flags of one fleet."""

    def __init__(self, redis: aioredis.Redis, prefix: str) -> None:
        self.redis = redis
        self._base = f"{prefix}:fleet"

    def run_key(self, thread_id: str) -> str:
        return f"{self._base}:run:{thread_id}"

    def events_key(self, thread_id: str) -> str:
        return f"{self._base}:events:{thread_id}"

    def cancel_key(self, thread_id: str) -> str:
        return f"{self._base}:cancel:{thread_id}"

    @property
    def active_key(self) -> str:
        return f"{self._base}:active"

    def batch_key(self, batch: str) -> str:
        return f"{self._base}:batch:{batch}"

    def requeue_key(self, thread_id: str) -> str:
        return f"{self._base}:requeue:{thread_id}"

    async def queue(
        self,
        thread_id: str,
        *,
        request: str | None,
        decision: str | None,
        queue: str,
        batch: str | None = None,
        batch_max_cost: Decimal | None = None,
    ) -> str:
        """Record a run as queued (clearing any cancel) and say so in its events;
        returns the id of that ``queued`` event."""
        fields: dict[Any, Any] = {
            "status": "queued",
            "updated": repr(time.time()),
            "queue": queue,
        }
        if request is not None:
            fields["request"] = request
        fields["decision"] = decision or ""
        if batch is not None:
            fields["batch"] = batch
            fields["batch_max_cost"] = (
                "" if batch_max_cost is None else str(batch_max_cost)
            )
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(self.cancel_key(thread_id))
            pipe.hset(self.run_key(thread_id), mapping=fields)
            pipe.expire(self.run_key(thread_id), EVENTS_TTL_S)
            pipe.sadd(self.active_key, thread_id)
            await pipe.execute()
        return await self.publish(thread_id, {"type": "queued"})

    async def unqueue(
        self, thread_id: str, previous: RunRecord | None, queued_event: str
    ) -> None:
        """Undo ``queue`` when its message could not be sent: a new run's record
        and events are removed; a resumed run gets its previous status back and
        loses the ``queued`` event (watching it shows its last turn again)."""
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.srem(self.active_key, thread_id)
            if previous is None:
                pipe.delete(self.run_key(thread_id), self.events_key(thread_id))
            else:
                pipe.hset(
                    self.run_key(thread_id),
                    mapping={
                        "status": previous.status,
                        "decision": previous.decision or "",
                    },
                )
                pipe.xdel(self.events_key(thread_id), queued_event)
            await pipe.execute()

    async def get(self, thread_id: str) -> RunRecord | None:
        raw = await self.redis.hgetall(self.run_key(thread_id))
        if not raw:
            return None
        doc = {_text(k): _text(v) for k, v in raw.items()}
        cost = doc.get("batch_max_cost") or None
        return RunRecord(
            thread_id,
            doc.get("status", "queued"),
            doc.get("request") or None,
            doc.get("decision") or None,
            doc.get("batch") or None,
            Decimal(cost) if cost else None,
            float(doc.get("updated") or 0),
            doc.get("queue") or None,
        )

    async def set_status(self, thread_id: str, status: str, **extra: str) -> None:
        fields: dict[Any, Any] = {
            "status": status,
            "updated": repr(time.time()),
            **extra,
        }
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(self.run_key(thread_id), mapping=fields)
            if status in ("finished", "cancelled"):
                pipe.srem(self.active_key, thread_id)
                pipe.hset(self.run_key(thread_id), "decision", "")
            await pipe.execute()

    async def touch(self, thread_id: str) -> None:
        await self.redis.hset(self.run_key(thread_id), "updated", repr(time.time()))

    async def publish(self, thread_id: str, event: dict[str, Any]) -> str:
        """Add an event to the run's stream; returns its id."""
        key = self.events_key(thread_id)
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.xadd(key, {"e": json.dumps(event)}, maxlen=EVENTS_MAXLEN)
            pipe.expire(key, EVENTS_TTL_S)
            added, _ = await pipe.execute()
        return _text(added)

    async def request_cancel(self, thread_id: str) -> None:
        await self.redis.set(self.cancel_key(thread_id), "1", ex=EVENTS_TTL_S)

    async def cancel_requested(self, thread_id: str) -> bool:
        return bool(await self.redis.exists(self.cancel_key(thread_id)))

    async def active(self) -> list[str]:
        return sorted(_text(t) for t in await self.redis.smembers(self.active_key))

    async def batch_spent(self, batch: str) -> Decimal:
        value = await self.redis.hget(self.batch_key(batch), "spent_nano")
        return Decimal(int(_text(value) or 0)) / Decimal(10**9)

    async def add_batch_spend(self, batch: str, cost: Decimal) -> None:
        nano = int(cost * Decimal(10**9))
        await self.redis.hincrby(self.batch_key(batch), "spent_nano", nano)
        await self.redis.expire(self.batch_key(batch), EVENTS_TTL_S)


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode()
    return "" if value is None else str(value)
