"""Daily spend ledgers and free-tier request counters (file or Redis).

Amounts are integer nano-dollars so Redis can add them atomically. A
reservation holds the worst case of a call until it is committed (with the
actual cost) or released; reservations of a crashed process expire. Once the
day's spend and holds reach the limit, nothing more is reserved, not even a
call estimated at zero (its provider may still report a cost).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import redis.asyncio as aioredis

from tta_codegen.models._store import JsonDoc, LockedJsonFile, redis_errors

__all__ = [
    "DailyLedger",
    "FileLedger",
    "FreeCounter",
    "LedgerTotals",
    "RedisLedger",
]


@dataclass(frozen=True)
class LedgerTotals:
    """One UTC day's spend, in nano-dollars."""

    spent: int
    """Committed (actual) spend."""
    reserved: int
    """Worst-case amounts of calls in flight."""


class DailyLedger(Protocol):
    """Atomic check-and-reserve against a daily limit."""

    async def reserve(
        self, day: str, rid: str, amount: int, limit: int, now: float, ttl_s: float
    ) -> tuple[bool, LedgerTotals]:
        """Hold ``amount`` unless spent + reserved + amount > limit, or spent +
        reserved is above zero and already reached the limit."""
        ...

    async def commit(self, day: str, rid: str, actual: int) -> None:
        """Drop the reservation and add the actual spend."""
        ...

    async def totals(self, day: str, now: float) -> LedgerTotals:
        """The day's spend and live reservations."""
        ...


class FreeCounter(Protocol):
    """Free-tier requests per provider per minute and per day."""

    async def take(
        self,
        provider: str,
        minute: str,
        day: str,
        per_minute: int | None,
        per_day: int | None,
    ) -> str | None:
        """Count one request unless a limit is reached; else say which."""
        ...


def _refused(totals: LedgerTotals, amount: int, limit: int) -> bool:
    used = totals.spent + totals.reserved
    return used + amount > limit or (used > 0 and used >= limit)


def _live(reservations: dict[str, list[float]], now: float) -> dict[str, list[float]]:
    return {rid: v for rid, v in reservations.items() if v[1] > now}


class FileLedger:
    """Ledger and counters in one locked local file (``budget.json``)."""

    def __init__(self, file: LockedJsonFile) -> None:
        self._file = file

    async def reserve(
        self, day: str, rid: str, amount: int, limit: int, now: float, ttl_s: float
    ) -> tuple[bool, LedgerTotals]:
        def apply(doc: JsonDoc) -> tuple[bool, LedgerTotals]:
            days = doc.setdefault("days", {})
            for old in [d for d in days if d < day]:
                del days[old]
            ledger = days.setdefault(day, {"spent": 0, "reservations": {}})
            live = _live(ledger["reservations"], now)
            totals = LedgerTotals(
                int(ledger["spent"]), sum(int(v[0]) for v in live.values())
            )
            if _refused(totals, amount, limit):
                ledger["reservations"] = live
                return False, totals
            live[rid] = [amount, now + ttl_s]
            ledger["reservations"] = live
            return True, totals

        return await self._file.transact(apply)

    async def commit(self, day: str, rid: str, actual: int) -> None:
        def apply(doc: JsonDoc) -> None:
            ledger = doc.setdefault("days", {}).setdefault(
                day, {"spent": 0, "reservations": {}}
            )
            ledger["reservations"].pop(rid, None)
            ledger["spent"] = int(ledger["spent"]) + actual

        await self._file.transact(apply)

    async def totals(self, day: str, now: float) -> LedgerTotals:
        ledger = (await self._file.read()).get("days", {}).get(day)
        if not ledger:
            return LedgerTotals(0, 0)
        live = _live(ledger["reservations"], now)
        return LedgerTotals(int(ledger["spent"]), sum(int(v[0]) for v in live.values()))

    async def take(
        self,
        provider: str,
        minute: str,
        day: str,
        per_minute: int | None,
        per_day: int | None,
    ) -> str | None:
        def apply(doc: JsonDoc) -> str | None:
            free = doc.setdefault("free", {}).setdefault(provider, {})
            if free.get("minute") != minute:
                free["minute"], free["minute_count"] = minute, 0
            if free.get("day") != day:
                free["day"], free["day_count"] = day, 0
            return _take(free, per_minute, per_day)

        return await self._file.transact(apply)


def _take(free: JsonDoc, per_minute: int | None, per_day: int | None) -> str | None:
    if per_minute is not None and free["minute_count"] >= per_minute:
        return f"free quota exhausted: {per_minute} requests/minute"
    if per_day is not None and free["day_count"] >= per_day:
        return f"free quota exhausted: {per_day} requests/day"
    free["minute_count"] += 1
    free["day_count"] += 1
    return None


_RESERVE = """
local expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', ARGV[4])
for _, id in ipairs(expired) do
  redis.call('HDEL', KEYS[2], id)
  redis.call('ZREM', KEYS[3], id)
end
local spent = tonumber(redis.call('HGET', KEYS[1], 'spent') or '0')
local reserved = 0
for _, v in ipairs(redis.call('HVALS', KEYS[2])) do
  reserved = reserved + tonumber(v)
end
local amount = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local used = spent + reserved
if used + amount > limit or (used > 0 and used >= limit) then
  return {0, tostring(spent), tostring(reserved)}
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[3], ARGV[5], ARGV[1])
for i = 1, 3 do redis.call('EXPIRE', KEYS[i], 172800) end
return {1, tostring(spent), tostring(reserved)}
"""

_COMMIT = """
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('HINCRBY', KEYS[1], 'spent', ARGV[2])
redis.call('EXPIRE', KEYS[1], 172800)
return 1
"""

_TAKE = """
local m = tonumber(redis.call('GET', KEYS[1]) or '0')
local d = tonumber(redis.call('GET', KEYS[2]) or '0')
if ARGV[1] ~= '' and m >= tonumber(ARGV[1]) then return 'm' end
if ARGV[2] ~= '' and d >= tonumber(ARGV[2]) then return 'd' end
redis.call('INCR', KEYS[1]); redis.call('EXPIRE', KEYS[1], 120)
redis.call('INCR', KEYS[2]); redis.call('EXPIRE', KEYS[2], 172800)
return ''
"""


class RedisLedger:
    """Ledger and counters in Redis; every check-and-update is one Lua script."""

    def __init__(self, redis: aioredis.Redis, prefix: str) -> None:
        self._redis = redis
        self._prefix = prefix
        self._reserve = redis.register_script(_RESERVE)
        self._commit = redis.register_script(_COMMIT)
        self._take = redis.register_script(_TAKE)

    def _keys(self, day: str) -> list[str]:
        base = f"{self._prefix}:budget:{day}"
        return [base, f"{base}:res", f"{base}:exp"]

    async def reserve(
        self, day: str, rid: str, amount: int, limit: int, now: float, ttl_s: float
    ) -> tuple[bool, LedgerTotals]:
        args = [rid, str(amount), str(limit), repr(now), repr(now + ttl_s)]
        with redis_errors():
            ok, spent, reserved = await self._reserve(keys=self._keys(day), args=args)
        return bool(int(ok)), LedgerTotals(int(spent), int(reserved))

    async def commit(self, day: str, rid: str, actual: int) -> None:
        with redis_errors():
            await self._commit(keys=self._keys(day), args=[rid, actual])

    async def totals(self, day: str, now: float) -> LedgerTotals:
        keys = self._keys(day)
        with redis_errors():
            spent = await self._redis.hget(keys[0], "spent")
            live = [
                str(m)
                for m in await self._redis.zrangebyscore(keys[2], f"({now!r}", "+inf")
            ]
            amounts = await self._redis.hmget(keys[1], live) if live else []
        return LedgerTotals(int(spent or 0), sum(int(a) for a in amounts if a))

    async def take(
        self,
        provider: str,
        minute: str,
        day: str,
        per_minute: int | None,
        per_day: int | None,
    ) -> str | None:
        base = f"{self._prefix}:free:{provider}"
        args = [
            "" if per_minute is None else per_minute,
            "" if per_day is None else per_day,
        ]
        with redis_errors():
            which = await self._take(
                keys=[f"{base}:m:{minute}", f"{base}:d:{day}"], args=args
            )
        if which == "m":
            return f"free quota exhausted: {per_minute} requests/minute"
        if which == "d":
            return f"free quota exhausted: {per_day} requests/day"
        return None
