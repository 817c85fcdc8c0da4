"""Per-provider request limits held in Redis: one budget of requests per minute
and of requests in flight for every process sharing ``routing.stats_url`` (a
fleet of workers), instead of one per process.

Requests per minute: a sorted set of request start times (a sliding window).
Requests in flight: a sorted set of slot holders scored by their expiry, so a
slot of a process that died frees itself. Each check-and-take is one script;
requests over a limit wait their turn, as with the local limits.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from tta_codegen.models._store import redis_errors
from tta_codegen.settings import ProviderSettings

if TYPE_CHECKING:
    import redis.asyncio as aioredis

__all__ = ["SharedProviderLimits"]

WINDOW_S = 60.0
POLL_S = 0.05
"""How often a request waiting for an in-flight slot asks again."""
SLOT_GRACE_S = 30.0
"""An in-flight slot outlives the provider's request timeout by this much."""

_TAKE_WINDOW = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1] - 60)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[3])
  redis.call('EXPIRE', KEYS[1], 120)
  return '0'
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return tostring(tonumber(oldest[2]) + 60 - tonumber(ARGV[1]))
"""

_TAKE_SLOT = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
  redis.call('EXPIRE', KEYS[1], math.ceil(ARGV[5]))
  return 1
end
return 0
"""


class SharedProviderLimits:
    """``ProviderLimits`` for a fleet: the same ``slot`` interface, in Redis."""

    def __init__(
        self,
        redis: aioredis.Redis,
        prefix: str,
        providers: dict[str, ProviderSettings],
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._prefix = prefix
        self._providers = providers
        self._clock = clock
        self._sleep = sleep
        self._take_window = redis.register_script(_TAKE_WINDOW)
        self._take_slot = redis.register_script(_TAKE_SLOT)
        self._redis = redis

    @asynccontextmanager
    async def slot(self, provider: str) -> AsyncIterator[float]:
        """Hold a request slot for ``provider``; yields the seconds waited."""
        settings = self._providers.get(provider)
        started = time.monotonic()
        member = uuid.uuid4().hex
        in_flight = settings.max_concurrent_requests if settings else None
        slots = f"{self._prefix}:limits:{provider}:in-flight"
        if in_flight is not None and settings is not None:
            ttl = settings.timeout_s + SLOT_GRACE_S
            while True:
                now = self._clock()
                args: list[str | float] = [
                    repr(now),
                    in_flight,
                    repr(now + ttl),
                    member,
                    ttl,
                ]
                with redis_errors():
                    if int(await self._take_slot(keys=[slots], args=args)):
                        break
                await self._sleep(POLL_S)
        try:
            per_minute = settings.max_requests_per_minute if settings else None
            if per_minute is not None:
                await self._wait_turn(provider, per_minute, member)
            yield time.monotonic() - started
        finally:
            if in_flight is not None:
                with redis_errors():
                    await asyncio.shield(self._redis.zrem(slots, member))

    async def _wait_turn(self, provider: str, per_minute: int, member: str) -> None:
        window = f"{self._prefix}:limits:{provider}:window"
        while True:
            args: list[str | float] = [repr(self._clock()), per_minute, member]
            with redis_errors():
                pause = float(await self._take_window(keys=[window], args=args))
            if pause <= 0:
                return
            await self._sleep(min(pause, WINDOW_S))
