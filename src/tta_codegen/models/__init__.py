"""Model management: catalog, selection, stats, breakers, budgets, the gateway.

Graph nodes call ``ModelGateway`` (``select`` for the ranking, ``chat`` for
every LLM call, ``record_gate_outcome`` after validate). Everything else here is
what the gateway is made of, public for the CLI and for tests.
"""

from tta_codegen.models._client import api_key as provider_api_key
from tta_codegen.models.breaker import BreakerBoard, BreakerState
from tta_codegen.models.budget import Budget, DaySpend, Reservation
from tta_codegen.models.catalog import (
    BUILTIN_MODELS,
    DEFAULT_MODEL,
    Catalog,
    ProviderUnreachableError,
    RefreshResult,
)
from tta_codegen.models.gateway import ModelGateway
from tta_codegen.models.messages import ChatMessage, ChatResult
from tta_codegen.models.selection import ModelRequirements, candidates, select_models
from tta_codegen.models.stats import ModelStats, StatsStore, open_stats_store

__all__ = [
    "BUILTIN_MODELS",
    "DEFAULT_MODEL",
    "BreakerBoard",
    "BreakerState",
    "Budget",
    "Catalog",
    "ChatMessage",
    "ChatResult",
    "DaySpend",
    "ModelGateway",
    "ModelRequirements",
    "ModelStats",
    "ProviderUnreachableError",
    "RefreshResult",
    "Reservation",
    "StatsStore",
    "candidates",
    "open_stats_store",
    "provider_api_key",
    "select_models",
]
