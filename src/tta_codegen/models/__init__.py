"""Model management: catalog, selection, stats, breakers, budgets, the gateway.

Graph nodes call ``ModelGateway`` (``select`` for the ranking, ``chat`` for
every LLM call, ``record_gate_outcome`` after validate). The gateway talks to
models through the ``ChatModel`` interface: ``OpenAIChatModels`` for any
OpenAI-compatible endpoint in production. Everything else here is what the
gateway is made of, public for the CLI and for tests.
"""

from tta_codegen.models.breaker import BreakerBoard, BreakerState
from tta_codegen.models.budget import Budget, DaySpend, Reservation
from tta_codegen.models.catalog import (
    BUILTIN_MODELS,
    DEFAULT_MODEL,
    Catalog,
    RefreshResult,
)
from tta_codegen.models.chat_model import ChatModel, ChatModels, TokenSink
from tta_codegen.models.gateway import ModelGateway
from tta_codegen.models.keys import api_key, key_problem
from tta_codegen.models.messages import ChatMessage, ChatResult, Completion
from tta_codegen.models.openai_chat import OpenAIChatModel, OpenAIChatModels
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
    "ChatModel",
    "ChatModels",
    "ChatResult",
    "Completion",
    "DaySpend",
    "ModelGateway",
    "ModelRequirements",
    "ModelStats",
    "OpenAIChatModel",
    "OpenAIChatModels",
    "RefreshResult",
    "Reservation",
    "StatsStore",
    "TokenSink",
    "api_key",
    "candidates",
    "key_problem",
    "open_stats_store",
    "select_models",
]
