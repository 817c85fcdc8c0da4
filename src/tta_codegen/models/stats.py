"""Persistent per-model performance stats: latency, errors, gate outcomes.

Each model's stats are flat integer counters (``ok``, ``err``, ``lat:<bucket>``,
``gate:<task_type>:pass|fail``), so every write is an increment: ``HINCRBY`` in a
Redis hash shared by a team, or a locked read-modify-write of a local JSON file.
Latency goes into log-spaced buckets (each 25% wider than the last), which gives
p50/p95 within one bucket's width from a fixed, tiny amount of state.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import redis.asyncio as aioredis

from tta_codegen.models._store import JsonDoc, LockedJsonFile, redis_errors
from tta_codegen.settings import Settings

__all__ = [
    "FileStatsStore",
    "ModelStats",
    "RedisStatsStore",
    "StatsSnapshot",
    "StatsStore",
    "latency_bucket",
    "open_stats_store",
]

_BASE_MS = 10.0
_GROWTH = 1.25
_MAX_BUCKET = 60


def latency_bucket(latency_ms: float) -> int:
    """Index of the histogram bucket holding ``latency_ms``."""
    if latency_ms <= _BASE_MS:
        return 0
    index = math.ceil(math.log(latency_ms / _BASE_MS, _GROWTH))
    return min(index, _MAX_BUCKET)


def _bucket_upper_ms(index: int) -> float:
    return _BASE_MS * _GROWTH**index


@dataclass(frozen=True)
class ModelStats:
    """Measured behaviour of one model (all counters, since stats began)."""

    ok: int = 0
    """Successful calls."""
    errors: int = 0
    """Failed calls (after retries are counted one by one: each HTTP attempt)."""
    latency: Mapping[int, int] = field(default_factory=dict)
    """Histogram: bucket index -> successful calls."""
    gates: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    """Task type -> (drafts that passed the gates, drafts that failed)."""

    @classmethod
    def from_counters(cls, counters: Mapping[str, int]) -> ModelStats:
        """Rebuild from the flat counters a store keeps."""
        latency: dict[int, int] = {}
        gates: dict[str, tuple[int, int]] = {}
        for name, value in counters.items():
            if name.startswith("lat:"):
                latency[int(name[4:])] = int(value)
            elif name.startswith("gate:"):
                _, task, outcome = name.rsplit(":", 2)
                passed, failed = gates.get(task, (0, 0))
                if outcome == "pass":
                    passed += int(value)
                else:
                    failed += int(value)
                gates[task] = (passed, failed)
        return cls(
            ok=int(counters.get("ok", 0)),
            errors=int(counters.get("err", 0)),
            latency=latency,
            gates=gates,
        )

    @property
    def calls(self) -> int:
        """All recorded calls."""
        return self.ok + self.errors

    @property
    def error_rate(self) -> float | None:
        """Share of calls that failed; None before the first call."""
        return self.errors / self.calls if self.calls else None

    def latency_percentile(self, fraction: float) -> float | None:
        """Latency (ms) under which ``fraction`` of calls finished; None if none."""
        total = sum(self.latency.values())
        if total == 0:
            return None
        rank = fraction * total
        seen = 0
        for index in sorted(self.latency):
            seen += self.latency[index]
            if seen >= rank:
                return _bucket_upper_ms(index)
        return _bucket_upper_ms(max(self.latency))

    @property
    def p50_ms(self) -> float | None:
        """Median latency of successful calls."""
        return self.latency_percentile(0.50)

    @property
    def p95_ms(self) -> float | None:
        """95th percentile latency of successful calls."""
        return self.latency_percentile(0.95)

    def gate_counts(self, task_type: str) -> tuple[int, int]:
        """(passed, failed) drafts for ``task_type``."""
        return self.gates.get(task_type, (0, 0))

    def pass_rate(self, task_type: str) -> float | None:
        """Share of drafts for ``task_type`` that passed the gates."""
        passed, failed = self.gate_counts(task_type)
        return passed / (passed + failed) if passed + failed else None


StatsSnapshot = Mapping[str, ModelStats]
"""Model id -> stats."""


def _call_fields(latency_ms: float, ok: bool) -> dict[str, int]:
    if ok:
        return {"ok": 1, f"lat:{latency_bucket(latency_ms)}": 1}
    return {"err": 1}


def _gate_field(task_type: str, passed: bool) -> str:
    return f"gate:{task_type}:{'pass' if passed else 'fail'}"


class StatsStore(Protocol):
    """Where stats live; implementations must make each record atomic."""

    async def record_call(self, model: str, latency_ms: float, ok: bool) -> None:
        """Count one call attempt; latency only for successes."""
        ...

    async def record_gate_outcome(
        self, model: str, task_type: str, passed: bool
    ) -> None:
        """Count one draft by ``model`` that passed or failed the gates."""
        ...

    async def snapshot(self) -> dict[str, ModelStats]:
        """Every model's stats."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...


class FileStatsStore:
    """Stats in ``<state_dir>/model-stats.json`` (locked, atomically replaced)."""

    def __init__(self, file: LockedJsonFile) -> None:
        self._file = file

    async def _increment(self, model: str, fields: Mapping[str, int]) -> None:
        def apply(doc: JsonDoc) -> None:
            counters = doc.setdefault("models", {}).setdefault(model, {})
            for name, amount in fields.items():
                counters[name] = int(counters.get(name, 0)) + amount

        await self._file.transact(apply)

    async def record_call(self, model: str, latency_ms: float, ok: bool) -> None:
        await self._increment(model, _call_fields(latency_ms, ok))

    async def record_gate_outcome(
        self, model: str, task_type: str, passed: bool
    ) -> None:
        await self._increment(model, {_gate_field(task_type, passed): 1})

    async def snapshot(self) -> dict[str, ModelStats]:
        doc = await self._file.read()
        models = doc.get("models", {})
        return {m: ModelStats.from_counters(c) for m, c in models.items()}

    async def aclose(self) -> None:
        return None


class RedisStatsStore:
    """Stats in Redis hashes ``<prefix>:stats:<model>`` (HINCRBY in MULTI)."""

    def __init__(self, redis: aioredis.Redis, prefix: str) -> None:
        self._redis = redis
        self._prefix = prefix

    def _key(self, model: str) -> str:
        return f"{self._prefix}:stats:{model}"

    async def _increment(self, model: str, fields: Mapping[str, int]) -> None:
        with redis_errors():
            async with self._redis.pipeline(transaction=True) as pipe:
                for name, amount in fields.items():
                    pipe.hincrby(self._key(model), name, amount)
                pipe.sadd(f"{self._prefix}:stats:models", model)
                await pipe.execute()

    async def record_call(self, model: str, latency_ms: float, ok: bool) -> None:
        await self._increment(model, _call_fields(latency_ms, ok))

    async def record_gate_outcome(
        self, model: str, task_type: str, passed: bool
    ) -> None:
        await self._increment(model, {_gate_field(task_type, passed): 1})

    async def snapshot(self) -> dict[str, ModelStats]:
        with redis_errors():
            members = await self._redis.smembers(f"{self._prefix}:stats:models")
            models = sorted(str(m) for m in members)
            async with self._redis.pipeline(transaction=False) as pipe:
                for model in models:
                    pipe.hgetall(self._key(model))
                rows = await pipe.execute()
        return {
            model: ModelStats.from_counters({k: int(v) for k, v in row.items()})
            for model, row in zip(models, rows, strict=True)
        }

    async def aclose(self) -> None:
        return None  # the client belongs to whoever opened it


def open_stats_store(settings: Settings, redis: aioredis.Redis | None) -> StatsStore:
    """Redis when a client is given (``routing.stats_url``), else the state file."""
    if redis is not None:
        return RedisStatsStore(redis, settings.routing.key_prefix)
    return FileStatsStore(LockedJsonFile(settings.state_dir / "model-stats.json"))
