"""OpenTelemetry GenAI semantic-convention names, kept as project constants.

The Python semconv package marks the ``gen_ai.*`` names deprecated (they moved to
a separate repository), so the names we emit live here.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "GEN_AI_OPERATION_NAME",
    "GEN_AI_PROVIDER_NAME",
    "GEN_AI_REQUEST_MAX_TOKENS",
    "GEN_AI_REQUEST_MODEL",
    "GEN_AI_REQUEST_TEMPERATURE",
    "GEN_AI_RESPONSE_FINISH_REASONS",
    "GEN_AI_RESPONSE_MODEL",
    "GEN_AI_USAGE_INPUT_TOKENS",
    "GEN_AI_USAGE_OUTPUT_TOKENS",
    "TTA_COST_USD",
    "TTA_NODE",
    "TTA_ITERATION",
    "TTA_TEMPLATE",
    "TTA_THREAD_ID",
]

GEN_AI_OPERATION_NAME: Final = "gen_ai.operation.name"
GEN_AI_PROVIDER_NAME: Final = "gen_ai.provider.name"
GEN_AI_REQUEST_MODEL: Final = "gen_ai.request.model"
GEN_AI_REQUEST_MAX_TOKENS: Final = "gen_ai.request.max_tokens"
GEN_AI_REQUEST_TEMPERATURE: Final = "gen_ai.request.temperature"
GEN_AI_RESPONSE_MODEL: Final = "gen_ai.response.model"
GEN_AI_RESPONSE_FINISH_REASONS: Final = "gen_ai.response.finish_reasons"
GEN_AI_USAGE_INPUT_TOKENS: Final = "gen_ai.usage.input_tokens"
GEN_AI_USAGE_OUTPUT_TOKENS: Final = "gen_ai.usage.output_tokens"

TTA_COST_USD: Final = "tta.cost_usd"
TTA_NODE: Final = "tta.node"
TTA_ITERATION: Final = "tta.iteration"
TTA_TEMPLATE: Final = "tta.template"
TTA_THREAD_ID: Final = "tta.thread_id"
