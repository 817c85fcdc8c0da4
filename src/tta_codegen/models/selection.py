"""Rank models for a task from catalog priors blended with measured stats.

The formula (documented with examples in docs/models.md), for task type ``t``:

- quality ``Q = (K_Q * prior_t + n * 10 * pass_rate_t) / (K_Q + n)`` where ``n``
  is the number of this model's drafts for ``t`` that went through the gates;
- error rate ``E = (K_E * 0.05 + errors) / (K_E + calls)``;
- latency ``L = (K_L * prior_ms + c * p95_ms) / (K_L + c)`` with ``c`` the
  successful calls measured;
- ``score = Q * (1 - E) - log2(1 + L / 10 s) - 0.5 * log10(1 + price) + F``
  where ``price`` is the blended USD per Mtok (3 input : 1 output) and ``F`` is
  ``FREE_BONUS`` for free models when free models are preferred.

Hard requirements (context window, capabilities, latency, quality, price, open
circuit) make a model ineligible; it is still listed, with the reasons.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from tta_codegen.models.breaker import BreakerState
from tta_codegen.models.catalog import Catalog
from tta_codegen.models.cost import blended_price_per_mtok
from tta_codegen.models.stats import ModelStats, StatsSnapshot
from tta_codegen.settings import ModelEntry, Settings
from tta_codegen.state import RankedModel

__all__ = [
    "DEFAULT_PRIOR_LATENCY_MS",
    "DEFAULT_PRIOR_QUALITY",
    "FREE_BONUS",
    "K_ERRORS",
    "K_LATENCY",
    "K_QUALITY",
    "ModelRequirements",
    "blended_quality",
    "candidates",
    "select_models",
]

K_QUALITY = 5.0
"""Pseudo-drafts the quality prior is worth."""
K_ERRORS = 10.0
"""Pseudo-calls the prior error rate (5%) is worth."""
K_LATENCY = 3.0
"""Pseudo-calls the prior latency is worth."""
PRIOR_ERROR_RATE = 0.05
DEFAULT_PRIOR_QUALITY = 5.0
"""Prior for a task type the catalog has no number for."""
DEFAULT_PRIOR_LATENCY_MS = 8000.0
FREE_BONUS = 1.5
"""Score added to free models when free models are preferred."""


@dataclass(frozen=True)
class ModelRequirements:
    """What the caller needs from a model; None means no constraint."""

    task_type: str = "code_generation"
    """code_generation, test_generation, refinement, review..."""
    max_latency_ms: float | None = None
    """Exclude models whose (blended) p95 latency is above this."""
    min_quality_score: float | None = None
    """Exclude models whose blended quality (0-10) is below this."""
    max_cost_per_mtok: Decimal | None = None
    """Exclude models whose blended price per Mtok is above this (or unknown)."""
    prefer_free: bool = True
    """Add FREE_BONUS to free models."""
    context_tokens_needed: int = 0
    """Prompt + completion tokens the call needs."""
    required_capabilities: tuple[str, ...] = field(default=())
    """Capabilities every candidate must have (tools, json_mode...)."""

    @classmethod
    def from_settings(
        cls, settings: Settings, **overrides: object
    ) -> ModelRequirements:
        """Defaults from ``routing`` and ``generation``; keyword overrides win."""
        routing = settings.routing
        values: dict[str, object] = {
            "task_type": settings.generation.task_type,
            "max_latency_ms": routing.max_latency_ms,
            "min_quality_score": routing.min_quality_score,
            "prefer_free": routing.prefer_free,
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]


def blended_quality(entry: ModelEntry, stats: ModelStats, task_type: str) -> float:
    """Prior quality pulled toward the measured gate pass rate (0-10)."""
    prior = entry.quality.get(task_type, entry.quality.get("code_generation"))
    prior = DEFAULT_PRIOR_QUALITY if prior is None else prior
    passed, failed = stats.gate_counts(task_type)
    n = passed + failed
    return (K_QUALITY * prior + 10.0 * passed) / (K_QUALITY + n)


def _error_rate(stats: ModelStats) -> float:
    return (K_ERRORS * PRIOR_ERROR_RATE + stats.errors) / (K_ERRORS + stats.calls)


def _latency_ms(entry: ModelEntry, stats: ModelStats) -> float:
    prior = entry.typical_latency_ms or DEFAULT_PRIOR_LATENCY_MS
    p95 = stats.p95_ms
    if p95 is None:
        return prior
    return (K_LATENCY * prior + stats.ok * p95) / (K_LATENCY + stats.ok)


def _rank_one(
    entry: ModelEntry,
    stats: ModelStats,
    req: ModelRequirements,
    breaker: BreakerState | None,
    now: float,
    reset_s: float,
    unusable: str | None = None,
) -> RankedModel:
    quality = blended_quality(entry, stats, req.task_type)
    errors = _error_rate(stats)
    latency = _latency_ms(entry, stats)
    price = blended_price_per_mtok(entry)
    score = quality * (1 - errors) - math.log2(1 + latency / 10_000)
    if price is not None:
        score -= 0.5 * math.log10(1 + float(price))
    free = entry.is_free
    if free and req.prefer_free:
        score += FREE_BONUS
    passed, failed = stats.gate_counts(req.task_type)
    reasons = [
        f"quality {quality:.2f} (prior blended with {passed}/{passed + failed} "
        "drafts passing)",
        f"error rate {errors:.1%} over {stats.calls} calls",
        f"latency ~{latency:.0f} ms",
        "free"
        if free
        else f"price {'unknown' if price is None else f'${price:f}'}/Mtok",
    ]
    blockers: list[str] = [unusable] if unusable else []
    if entry.context_window < req.context_tokens_needed:
        needed = req.context_tokens_needed
        blockers.append(f"context window {entry.context_window} < {needed} needed")
    missing = [c for c in req.required_capabilities if c not in entry.capabilities]
    if missing:
        blockers.append(f"lacks {', '.join(missing)}")
    if req.max_latency_ms is not None and latency > req.max_latency_ms:
        blockers.append(f"latency {latency:.0f} ms > {req.max_latency_ms:g} ms")
    if req.min_quality_score is not None and quality < req.min_quality_score:
        blockers.append(f"quality {quality:.2f} < {req.min_quality_score:g}")
    if req.max_cost_per_mtok is not None and (
        price is None or price > req.max_cost_per_mtok
    ):
        blockers.append(f"price above ${req.max_cost_per_mtok}/Mtok")
    if breaker is not None and breaker.status(now, reset_s) == "open":
        blockers.append("circuit open")
    return RankedModel(
        model=entry.id,
        score=round(score, 4),
        reasons=tuple(blockers + reasons),
        eligible=not blockers,
    )


def select_models(
    catalog: Catalog,
    stats: StatsSnapshot,
    requirements: ModelRequirements,
    *,
    breakers: Mapping[str, BreakerState] | None = None,
    now: float = 0.0,
    breaker_reset_s: float = 60.0,
    models: Sequence[str] | None = None,
    unusable: Mapping[str, str] | None = None,
) -> list[RankedModel]:
    """Every catalog model (or ``models``), eligible ones first, best first.

    ``unusable`` maps models that cannot be called at all (no API key for their
    provider) to the reason; they are listed, ineligible, with it."""
    entries = [catalog.get(m) for m in models] if models is not None else catalog.all()
    ranked = [
        _rank_one(
            entry,
            stats.get(entry.id, ModelStats()),
            requirements,
            (breakers or {}).get(entry.id),
            now,
            breaker_reset_s,
            (unusable or {}).get(entry.id),
        )
        for entry in entries
    ]
    return sorted(ranked, key=lambda r: (not r.eligible, -r.score))


def candidates(ranking: Sequence[RankedModel], limit: int) -> list[str]:
    """The ids ``chat`` should try, in order: eligible models, at most ``limit``."""
    return [r.model for r in ranking if r.eligible][: max(1, limit)]
