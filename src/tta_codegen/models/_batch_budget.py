"""A budget shared by every run of one process: a batch's ``--max-cost``.

Calls hold their worst case against it like against the daily ledger, and it
refuses any call once what was spent and held reaches the limit, so concurrent
tasks cannot overspend it together and a model without a catalog price is
stopped by the cost its provider reported. It lives in memory: one event loop
runs every task of a batch.
"""

from __future__ import annotations

from decimal import Decimal

__all__ = ["BatchBudget"]


class BatchBudget:
    """Spend and holds of one batch against its limit, in USD."""

    def __init__(self, limit: Decimal) -> None:
        self.limit = limit
        self.spent = Decimal(0)
        self._held: dict[str, Decimal] = {}

    @property
    def held(self) -> Decimal:
        """The worst cases of calls in flight."""
        return sum(self._held.values(), Decimal(0))

    def hold(self, rid: str, amount: Decimal) -> bool:
        """Hold ``amount`` for call ``rid``; False (nothing held) when it would
        exceed the limit, or when spent and held already reached it."""
        used = self.spent + self.held
        if used + amount > self.limit or (used > 0 and used >= self.limit):
            return False
        self._held[rid] = amount
        return True

    def settle(self, rid: str, actual: Decimal) -> None:
        """Replace call ``rid``'s hold by what it cost (0 for a failed call)."""
        self._held.pop(rid, None)
        self.spent += actual
