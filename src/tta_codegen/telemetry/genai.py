"""OpenTelemetry GenAI semantic-convention names, kept as project constants.

The Python semconv package marks the ``gen_ai.*`` names deprecated (they moved to
a separate repository), so the names we emit live here.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "GEN_AI_INPUT_MESSAGES",
    "GEN_AI_OPERATION_NAME",
    "GEN_AI_OUTPUT_MESSAGES",
    "GEN_AI_PROVIDER_NAME",
    "GEN_AI_REQUEST_MAX_TOKENS",
    "GEN_AI_REQUEST_MODEL",
    "GEN_AI_REQUEST_TEMPERATURE",
    "GEN_AI_RESPONSE_FINISH_REASONS",
    "GEN_AI_RESPONSE_MODEL",
    "GEN_AI_SYSTEM_INSTRUCTIONS",
    "GEN_AI_USAGE_INPUT_TOKENS",
    "GEN_AI_USAGE_OUTPUT_TOKENS",
    "LLM_COST_TOTAL",
    "OPENINFERENCE_PROJECT_NAME",
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
GEN_AI_SYSTEM_INSTRUCTIONS: Final = "gen_ai.system_instructions"
"""Opt-in content: the system prompt, a JSON list of parts."""
GEN_AI_INPUT_MESSAGES: Final = "gen_ai.input.messages"
"""Opt-in content: the chat history sent, a JSON list of messages with parts."""
GEN_AI_OUTPUT_MESSAGES: Final = "gen_ai.output.messages"
"""Opt-in content: the answer, a JSON list of messages with parts."""

LLM_COST_TOTAL: Final = "llm.cost.total"
"""OpenInference's name for a call's cost in USD (read by OpenInference tools)."""
OPENINFERENCE_PROJECT_NAME: Final = "openinference.project.name"
"""Resource attribute: the Phoenix project a service's traces go to."""

TTA_COST_USD: Final = "tta.cost_usd"
TTA_NODE: Final = "tta.node"
TTA_ITERATION: Final = "tta.iteration"
TTA_TEMPLATE: Final = "tta.template"
TTA_THREAD_ID: Final = "tta.thread_id"
