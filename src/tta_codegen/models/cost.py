"""Money arithmetic (USD as ``Decimal``, never float)."""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal

from tta_codegen.settings import ModelEntry

__all__ = [
    "blended_price_per_mtok",
    "call_cost",
    "from_nano",
    "to_nano",
]

_MTOK = Decimal(1_000_000)
_NANO = Decimal("1e-9")


def blended_price_per_mtok(entry: ModelEntry) -> Decimal | None:
    """One price per million tokens for ranking: 3 parts input to 1 part output.

    Code generation prompts (task, context, findings) are longer than answers.
    None when either price is unknown.
    """
    if entry.input_cost_per_mtok is None or entry.output_cost_per_mtok is None:
        return None
    return (3 * entry.input_cost_per_mtok + entry.output_cost_per_mtok) / 4


def call_cost(
    entry: ModelEntry, input_tokens: int, output_tokens: int
) -> Decimal | None:
    """Cost of a call at catalog prices; None when a needed price is unknown."""
    if entry.input_cost_per_mtok is None or entry.output_cost_per_mtok is None:
        return None
    return (
        entry.input_cost_per_mtok * input_tokens
        + entry.output_cost_per_mtok * output_tokens
    ) / _MTOK


def to_nano(amount: Decimal) -> int:
    """USD to integer nano-dollars, rounded up (used for atomic counters)."""
    return int((amount / _NANO).to_integral_value(rounding=ROUND_CEILING))


def from_nano(nano: int) -> Decimal:
    """Integer nano-dollars back to USD."""
    return (Decimal(nano) * _NANO).normalize()
