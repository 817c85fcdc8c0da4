"""How the report writes numbers, shared by the text and HTML renderers."""

from __future__ import annotations

from decimal import Decimal

from tta_codegen.report.metrics import Rate

__all__ = ["count_of", "integer", "pct", "seconds", "share", "usd"]


def share(value: float | None, digits: int = 0) -> str:
    """0.834 -> ``83%``; None -> ``-``."""
    return "-" if value is None else f"{value * 100:.{digits}f}%"


def pct(rate: Rate) -> str:
    """A rate as ``83% (25/30)``; ``-`` when nothing was counted."""
    return (
        "-" if rate.value is None else f"{share(rate.value)} ({rate.hits}/{rate.total})"
    )


def count_of(rate: Rate) -> str:
    """A rate as ``25/30``."""
    return f"{rate.hits}/{rate.total}"


def seconds(value: float | None) -> str:
    """``0.84 s``, ``12.3 s``, ``4m 05s``; None -> ``-``."""
    if value is None:
        return "-"
    if value < 10:
        return f"{value:.2f} s"
    if value < 600:
        return f"{value:.1f} s"
    minutes, rest = divmod(int(round(value)), 60)
    return f"{minutes}m {rest:02d}s"


def usd(value: Decimal | float | None) -> str:
    """``$0.0123``; small amounts keep their significant digits; None -> ``-``."""
    if value is None:
        return "-"
    amount = float(value)
    if amount == 0:
        return "$0"
    if abs(amount) >= 0.1:
        return f"${amount:,.2f}"
    return f"${amount:.4f}" if abs(amount) >= 0.0001 else f"${amount:.6f}"


def integer(value: float | None) -> str:
    """``7,275``; None -> ``-``."""
    return "-" if value is None else f"{round(value):,}"
