"""Per-model circuit breakers: stop calling a model that keeps failing.

``routing.breaker_failures`` consecutive failures open a model's circuit; after
``routing.breaker_reset_s`` it is half-open and lets exactly one trial call
through; a success closes it, a failure opens it again for another period.
State lives in Redis (``<key_prefix>:breaker:<model>``, updated in WATCH/MULTI
transactions) when ``routing.stats_url`` is set, else in the local state file,
so every process on the machine (or the team) sees the same breakers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal, Protocol, TypeVar

if TYPE_CHECKING:
    import redis.asyncio as aioredis

from tta_codegen.models._store import JsonDoc, LockedJsonFile, redis_errors
from tta_codegen.settings import Settings

__all__ = [
    "BreakerBoard",
    "BreakerState",
    "BreakerStatus",
    "FileBreakerStore",
    "MemoryBreakerStore",
    "RedisBreakerStore",
]

BreakerStatus = Literal["closed", "open", "half_open"]
T = TypeVar("T")


@dataclass(frozen=True)
class BreakerState:
    """One model's breaker."""

    failures: int = 0
    """Consecutive failures."""
    opened_at: float | None = None
    """Clock time the circuit (last) opened; None while closed."""
    trial_at: float | None = None
    """Clock time the half-open trial call was let through."""

    def status(self, now: float, reset_s: float) -> BreakerStatus:
        """closed, open (calls refused) or half_open (one trial allowed)."""
        if self.opened_at is None:
            return "closed"
        elapsed = now - self.opened_at
        if 0 <= elapsed < reset_s:
            return "open"
        return "half_open"

    def to_fields(self) -> dict[str, str]:
        """Flat string fields for storage."""
        out = {"failures": str(self.failures)}
        if self.opened_at is not None:
            out["opened_at"] = repr(self.opened_at)
        if self.trial_at is not None:
            out["trial_at"] = repr(self.trial_at)
        return out

    @classmethod
    def from_fields(cls, fields: dict[str, str]) -> BreakerState:
        """Inverse of ``to_fields`` (missing fields mean a closed breaker)."""
        opened = fields.get("opened_at")
        trial = fields.get("trial_at")
        return cls(
            failures=int(fields.get("failures", 0)),
            opened_at=float(opened) if opened is not None else None,
            trial_at=float(trial) if trial is not None else None,
        )


Transition = Callable[[BreakerState], tuple[BreakerState, T]]


class BreakerStore(Protocol):
    """Atomic read-modify-write of one model's breaker state."""

    async def update(self, model: str, fn: Transition[T]) -> T:
        """Apply ``fn`` atomically and return its result."""
        ...

    async def read(self, models: Iterable[str]) -> dict[str, BreakerState]:
        """Current states of ``models`` (closed ones may be omitted)."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...


class MemoryBreakerStore:
    """In-process breakers (single process; used by tests and benchmarks)."""

    def __init__(self) -> None:
        self._states: dict[str, BreakerState] = {}

    async def update(self, model: str, fn: Transition[T]) -> T:
        new, result = fn(self._states.get(model, BreakerState()))
        self._states[model] = new
        return result

    async def read(self, models: Iterable[str]) -> dict[str, BreakerState]:
        return {m: self._states[m] for m in models if m in self._states}

    async def aclose(self) -> None:
        return None


class FileBreakerStore:
    """Breakers in ``<state_dir>/breakers.json`` (locked, atomically replaced)."""

    def __init__(self, file: LockedJsonFile) -> None:
        self._file = file

    async def update(self, model: str, fn: Transition[T]) -> T:
        def apply(doc: JsonDoc) -> T:
            table = doc.setdefault("breakers", {})
            new, result = fn(BreakerState.from_fields(table.get(model, {})))
            if new == BreakerState():
                table.pop(model, None)
            else:
                table[model] = new.to_fields()
            return result

        return await self._file.transact(apply)

    async def read(self, models: Iterable[str]) -> dict[str, BreakerState]:
        table = (await self._file.read()).get("breakers", {})
        return {m: BreakerState.from_fields(table[m]) for m in models if m in table}

    async def aclose(self) -> None:
        return None


class RedisBreakerStore:
    """Breakers in Redis hashes ``<prefix>:breaker:<model>``."""

    def __init__(self, redis: aioredis.Redis, prefix: str) -> None:
        self._redis = redis
        self._prefix = prefix

    def _key(self, model: str) -> str:
        return f"{self._prefix}:breaker:{model}"

    async def update(self, model: str, fn: Transition[T]) -> T:
        from redis.exceptions import WatchError  # noqa: PLC0415 (Redis paths only)

        key = self._key(model)
        with redis_errors():
            async with self._redis.pipeline(transaction=True) as pipe:
                while True:
                    try:
                        await pipe.watch(key)
                        raw = await pipe.hgetall(key)
                        fields = {str(k): str(v) for k, v in raw.items()}
                        new, result = fn(BreakerState.from_fields(fields))
                        pipe.multi()  # type: ignore[no-untyped-call]
                        pipe.delete(key)
                        if new != BreakerState():
                            pipe.hset(key, mapping=new.to_fields())  # type: ignore[arg-type]
                        await pipe.execute()
                        return result
                    except WatchError:  # another process changed it: try again
                        continue

    async def read(self, models: Iterable[str]) -> dict[str, BreakerState]:
        names = list(models)
        with redis_errors():
            async with self._redis.pipeline(transaction=False) as pipe:
                for model in names:
                    pipe.hgetall(self._key(model))
                rows = await pipe.execute()
        return {
            m: BreakerState.from_fields(row)
            for m, row in zip(names, rows, strict=True)
            if row
        }

    async def aclose(self) -> None:
        return None  # the client belongs to whoever opened it


class BreakerBoard:
    """The breakers of every model, with the policy from ``routing``."""

    def __init__(
        self,
        store: BreakerStore,
        *,
        failures: int = 5,
        reset_s: float = 60.0,
        clock: Callable[[], float],
    ) -> None:
        self._store = store
        self.failures = failures
        self.reset_s = reset_s
        self._clock = clock

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        redis: aioredis.Redis | None,
        clock: Callable[[], float],
    ) -> BreakerBoard:
        """Redis-backed when a client is given, else the state file."""
        routing = settings.routing
        store: BreakerStore
        if redis is not None:
            store = RedisBreakerStore(redis, routing.key_prefix)
        else:
            store = FileBreakerStore(
                LockedJsonFile(settings.state_dir / "breakers.json")
            )
        return cls(
            store,
            failures=routing.breaker_failures,
            reset_s=routing.breaker_reset_s,
            clock=clock,
        )

    async def acquire(self, model: str) -> str | None:
        """None when a call may go ahead; otherwise why it may not."""
        current = (await self._store.read([model])).get(model)
        if current is None or current.opened_at is None:
            return None  # closed: the common case needs no lock or transaction
        now = self._clock()
        reset_s = self.reset_s

        def decide(state: BreakerState) -> tuple[BreakerState, str | None]:
            status = state.status(now, reset_s)
            if status == "closed":
                return state, None
            if status == "open":
                assert state.opened_at is not None
                wait = reset_s - (now - state.opened_at)
                return (
                    state,
                    f"circuit open ({state.failures} failures; retry in {wait:.0f} s)",
                )
            if state.trial_at is None or not 0 <= now - state.trial_at < reset_s:
                return replace(state, trial_at=now), None
            return state, "circuit half-open: a trial call is already in flight"

        return await self._store.update(model, decide)

    async def record_success(self, model: str) -> None:
        """Close the circuit."""
        current = (await self._store.read([model])).get(model)
        if current is None or current == BreakerState():
            return
        await self._store.update(model, lambda _state: (BreakerState(), None))

    async def record_failure(self, model: str) -> None:
        """Count a failure; open (or re-open) the circuit when the policy says so."""
        now = self._clock()
        threshold = self.failures

        def fail(state: BreakerState) -> tuple[BreakerState, None]:
            failures = state.failures + 1
            if state.opened_at is not None or failures >= threshold:
                return BreakerState(failures=failures, opened_at=now), None
            return BreakerState(failures=failures), None

        await self._store.update(model, fail)

    async def states(self, models: Iterable[str]) -> dict[str, BreakerState]:
        """Current breaker states (for selection and ``models list``)."""
        return await self._store.read(models)

    def now(self) -> float:
        """The board's clock."""
        return self._clock()

    async def aclose(self) -> None:
        """Release connections."""
        await self._store.aclose()
