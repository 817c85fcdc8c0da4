"""Run leases in Redis: a key set if absent with an expiry, renewed by a
heartbeat, each take, renewal and release appended to a stream (the lease log)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import redis.asyncio as aioredis

__all__ = ["LEASE_LOG_MAXLEN", "RedisLeases", "lease_log_key"]

LEASE_LOG_MAXLEN = 100_000
"""Entries the Redis lease log keeps (approximately)."""


def lease_log_key(prefix: str) -> str:
    """The Redis stream of lease events (take, renew, release)."""
    return f"{prefix}:lease-log"


_ACQUIRE = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], '*', 'thread', ARGV[3],
             'holder', ARGV[1], 'op', 'acquire', 'ttl_ms', ARGV[2])
  return false
end
return redis.call('GET', KEYS[1])
"""

_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], '*', 'thread', ARGV[3],
             'holder', ARGV[1], 'op', 'renew', 'ttl_ms', ARGV[2])
  return 1
end
return 0
"""

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', 'thread', ARGV[2],
             'holder', ARGV[1], 'op', 'release', 'ttl_ms', '0')
end
return 1
"""


class RedisLeases:
    """``SET NX PX`` leases, renewed and released by compare-and-set scripts."""

    def __init__(self, redis: aioredis.Redis, prefix: str) -> None:
        self._redis = redis
        self._prefix = prefix
        self._log = lease_log_key(prefix)
        self._acquire = redis.register_script(_ACQUIRE)
        self._renew = redis.register_script(_RENEW)
        self._release = redis.register_script(_RELEASE)

    def key(self, thread_id: str) -> str:
        """The Redis key of a thread's lease."""
        return f"{self._prefix}:lease:{thread_id}"

    async def acquire(self, thread_id: str, holder: str, ttl_s: float) -> str | None:
        from tta_codegen.models._store import redis_errors  # noqa: PLC0415

        args: list[str | int] = [holder, int(ttl_s * 1000), thread_id, LEASE_LOG_MAXLEN]
        with redis_errors():
            current = await self._acquire(
                keys=[self.key(thread_id), self._log], args=args
            )
        if current is None:
            return None
        return current.decode() if isinstance(current, bytes) else str(current)

    async def renew(self, thread_id: str, holder: str, ttl_s: float) -> bool:
        from tta_codegen.models._store import redis_errors  # noqa: PLC0415

        args: list[str | int] = [holder, int(ttl_s * 1000), thread_id, LEASE_LOG_MAXLEN]
        with redis_errors():
            kept = await self._renew(keys=[self.key(thread_id), self._log], args=args)
        return bool(int(kept))

    async def release(self, thread_id: str, holder: str) -> None:
        from tta_codegen.models._store import redis_errors  # noqa: PLC0415

        args: list[str | int] = [holder, thread_id, LEASE_LOG_MAXLEN]
        with redis_errors():
            await self._release(keys=[self.key(thread_id), self._log], args=args)

    async def holder(self, thread_id: str) -> str | None:
        from tta_codegen.models._store import redis_errors  # noqa: PLC0415

        with redis_errors():
            current = await self._redis.get(self.key(thread_id))
        return current.decode() if isinstance(current, bytes) else current
