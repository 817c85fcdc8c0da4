"""Spend limits and free-tier quotas, checked before every call.

Before a call, its worst case (estimated prompt tokens plus the completion cap,
at catalog prices) is reserved against the run's and the UTC day's budget; the
call is not made when either would be exceeded, nor once what was already spent
(and held) reaches a limit, whatever the estimate: a model without a catalog
price is limited by the ``usage.cost`` its provider reported. After the call,
the actual cost replaces the reservation. The daily ledger is one Lua script in
Redis when ``routing.stats_url`` is set (shared by every run of a team), else a
locked local file, so concurrent runs can never overspend together.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import redis.asyncio as aioredis

from tta_codegen.errors import BudgetExceededError
from tta_codegen.models._batch_budget import BatchBudget
from tta_codegen.models._ledger import DailyLedger, FileLedger, FreeCounter, RedisLedger
from tta_codegen.models._store import LockedJsonFile
from tta_codegen.models.cost import from_nano, to_nano
from tta_codegen.settings import BudgetSettings, ProviderSettings, Settings

__all__ = ["Budget", "DaySpend", "Reservation", "used_up"]


@dataclass(frozen=True)
class Reservation:
    """Money held for one call until it is committed."""

    rid: str
    """Reservation id."""
    day: str | None
    """UTC day of the daily ledger it was taken from (None: nothing was held)."""
    amount: Decimal
    """Worst-case cost held."""


@dataclass(frozen=True)
class DaySpend:
    """Today's spend against the daily budget."""

    day: str
    spent: Decimal
    """Committed spend."""
    reserved: Decimal
    """Held by calls in flight."""
    limit: Decimal | None
    """``budget.max_cost_per_day_usd``."""


def _usd(amount: Decimal) -> str:
    return f"${amount.quantize(Decimal('0.000001')).normalize():f}"


def used_up(spent: Decimal, limit: Decimal) -> bool:
    """True when money was spent and it reached ``limit``: no call may follow,
    not even one estimated at $0 (a limit of 0 still allows free models)."""
    return spent > 0 and spent >= limit


def _next_call(amount: Decimal | None) -> str:
    if amount is None:
        return "the next call's price is unknown"
    return f"the next call may cost up to {_usd(amount)}"


class Budget:
    """Run and daily budgets plus free-tier request counting."""

    def __init__(
        self,
        limits: BudgetSettings,
        ledger: DailyLedger,
        free: FreeCounter,
        *,
        clock: Callable[[], float] = time.time,
        reservation_ttl_s: float = 900.0,
    ) -> None:
        self.limits = limits
        self._ledger = ledger
        self._free = free
        self._clock = clock
        self._ttl_s = reservation_ttl_s
        self._batch: BatchBudget | None = None

    def share_batch_budget(self, limit: Decimal) -> None:
        """From now on every call also counts against ``limit`` (a batch's
        ``--max-cost``, shared by all its tasks)."""
        self._batch = BatchBudget(limit)

    def count_batch_spend(self, amount: Decimal) -> None:
        """Count money spent earlier (a finished task of a resumed batch)
        against the batch budget, if there is one."""
        if self._batch is not None:
            self._batch.settle("", amount)

    @property
    def batch_spent(self) -> Decimal | None:
        """What the calls spent against the batch budget (None: there is none)."""
        return None if self._batch is None else self._batch.spent

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        redis: aioredis.Redis | None,
        clock: Callable[[], float] = time.time,
    ) -> Budget:
        """Redis ledger when a client is given, else ``<state_dir>/budget.json``."""
        store: FileLedger | RedisLedger
        if redis is not None:
            store = RedisLedger(redis, settings.routing.key_prefix)
        else:
            store = FileLedger(LockedJsonFile(settings.state_dir / "budget.json"))
        return cls(
            settings.budget,
            store,
            store,
            clock=clock,
            reservation_ttl_s=settings.routing.reservation_ttl_s,
        )

    def _day(self, now: float) -> str:
        return datetime.fromtimestamp(now, UTC).date().isoformat()

    async def reserve(
        self, amount: Decimal | None, *, run_spent: Decimal
    ) -> Reservation:
        """Hold ``amount`` (a call's worst case) or raise BudgetExceededError.

        ``None`` (price unknown) holds nothing, but the call is still refused
        once the run or the day has spent its limit.
        """
        held = amount or Decimal(0)
        run_limit = self.limits.max_cost_per_run_usd
        if run_limit is not None and (
            run_spent + held > run_limit or used_up(run_spent, run_limit)
        ):
            raise BudgetExceededError(
                f"run budget (budget.max_cost_per_run_usd = {_usd(run_limit)}) would "
                f"be exceeded: this run spent {_usd(run_spent)}, "
                f"{_next_call(amount)}",
                hint="raise the limit or use a cheaper model",
            )
        rid = uuid.uuid4().hex
        batch = self._batch
        if batch is not None and not batch.hold(rid, held):
            raise BudgetExceededError(
                f"batch budget (--max-cost = {_usd(batch.limit)}) would be exceeded: "
                f"the batch spent {_usd(batch.spent)} and holds {_usd(batch.held)}, "
                f"{_next_call(amount)}",
                hint="raise --max-cost or use a cheaper model",
            )
        day_limit = self.limits.max_cost_per_day_usd
        if day_limit is None:
            return Reservation(rid, None, held)
        now = self._clock()
        day = self._day(now)
        try:
            ok, totals = await self._ledger.reserve(
                day, rid, to_nano(held), to_nano(day_limit), now, self._ttl_s
            )
        except BaseException:  # the store failed: the call will not be made
            if batch is not None:
                batch.settle(rid, Decimal(0))
            raise
        if not ok:
            if batch is not None:
                batch.settle(rid, Decimal(0))
            raise BudgetExceededError(
                f"daily budget (budget.max_cost_per_day_usd = {_usd(day_limit)}) "
                f"would be exceeded: {_usd(from_nano(totals.spent))} spent and "
                f"{_usd(from_nano(totals.reserved))} held today ({day} UTC), "
                f"{_next_call(amount)}",
                hint="wait for tomorrow (UTC), raise the limit or use a free model",
            )
        return Reservation(rid, day, held)

    async def commit(self, reservation: Reservation, actual: Decimal | None) -> None:
        """Replace the hold by the actual cost (the hold itself when unknown)."""
        spent = reservation.amount if actual is None else actual
        if self._batch is not None:
            self._batch.settle(reservation.rid, spent)
        if reservation.day is None and (
            spent <= 0 or self.limits.max_cost_per_day_usd is None
        ):
            return
        day = reservation.day or self._day(self._clock())
        await self._ledger.commit(day, reservation.rid, to_nano(spent))

    async def release(self, reservation: Reservation) -> None:
        """Drop the hold of a call that failed before costing anything."""
        if self._batch is not None:
            self._batch.settle(reservation.rid, Decimal(0))
        if reservation.day is not None:
            await self._ledger.commit(reservation.day, reservation.rid, 0)

    async def take_free_slot(
        self, provider_name: str, provider: ProviderSettings
    ) -> str | None:
        """Count one free-tier request; a reason string when the quota is used up."""
        per_minute = provider.free_requests_per_minute
        per_day = provider.free_requests_per_day
        if per_minute is None and per_day is None:
            return None
        now = self._clock()
        minute = datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%dT%H:%M")
        return await self._free.take(
            provider_name, minute, self._day(now), per_minute, per_day
        )

    async def today(self) -> DaySpend:
        """Today's spend (UTC)."""
        now = self._clock()
        day = self._day(now)
        totals = await self._ledger.totals(day, now)
        return DaySpend(
            day,
            from_nano(totals.spent),
            from_nano(totals.reserved),
            self.limits.max_cost_per_day_usd,
        )
