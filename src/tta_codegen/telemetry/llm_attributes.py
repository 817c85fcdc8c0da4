"""The attributes an LLM call's span carries, shaped for Jaeger and Phoenix alike.

Jaeger shows any attribute as it is. Phoenix (15.10+) turns the OpenTelemetry
GenAI attributes into its own view: ``gen_ai.operation.name = chat`` makes an
LLM span, ``gen_ai.request.model`` its model, ``gen_ai.usage.*`` its token
counts, and the opt-in content attributes ``gen_ai.system_instructions``,
``gen_ai.input.messages`` and ``gen_ai.output.messages`` (JSON strings, span
attributes rather than events) its message panes. Phoenix prices calls from its
own price table; our cost rides along as ``tta.cost_usd`` and OpenInference's
``llm.cost.total``.

Call sites set these with ``span.set_attributes(...)``:

- ``request_attributes`` when the call's span starts, and ``prompt_attributes``
  then too when ``[telemetry] capture_content`` is on (so a failed attempt
  still shows what was asked);
- ``response_attributes`` when the answer is complete, and ``answer_attributes``
  then too when ``capture_content`` is on;
- ``cost_attributes`` once the call's cost is known.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal

from tta_codegen.telemetry import genai

__all__ = [
    "answer_attributes",
    "cost_attributes",
    "prompt_attributes",
    "request_attributes",
    "response_attributes",
]

_ROLES = {
    "system": "system",
    "user": "user",
    "human": "user",
    "assistant": "assistant",
    "ai": "assistant",
}
"""Our roles and LangChain's message types, as GenAI roles."""


def request_attributes(
    *,
    provider: str,
    model: str,
    max_tokens: int | None = None,
    temperature: float | None = None,
    template: str | None = None,
) -> dict[str, str | int | float]:
    """What is known before the request: operation, provider, model, limits."""
    attributes: dict[str, str | int | float] = {
        genai.GEN_AI_OPERATION_NAME: "chat",
        genai.GEN_AI_PROVIDER_NAME: provider,
        genai.GEN_AI_REQUEST_MODEL: model,
    }
    if max_tokens is not None:
        attributes[genai.GEN_AI_REQUEST_MAX_TOKENS] = max_tokens
    if temperature is not None:
        attributes[genai.GEN_AI_REQUEST_TEMPERATURE] = temperature
    if template:
        attributes[genai.TTA_TEMPLATE] = template
    return attributes


def response_attributes(
    *,
    response_model: str | None,
    finish_reason: str | None,
    input_tokens: int | None,
    output_tokens: int | None,
) -> dict[str, str | int | list[str]]:
    """What the answer reported: model, finish reason, token counts."""
    attributes: dict[str, str | int | list[str]] = {
        genai.GEN_AI_RESPONSE_FINISH_REASONS: [finish_reason or ""]
    }
    if response_model:
        attributes[genai.GEN_AI_RESPONSE_MODEL] = response_model
    if input_tokens is not None:
        attributes[genai.GEN_AI_USAGE_INPUT_TOKENS] = input_tokens
    if output_tokens is not None:
        attributes[genai.GEN_AI_USAGE_OUTPUT_TOKENS] = output_tokens
    return attributes


def _text_parts(text: str) -> list[dict[str, str]]:
    return [{"type": "text", "content": text}]


def prompt_attributes(messages: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The prompt as GenAI content attributes (opt-in: only when
    ``capture_content`` is on). ``messages`` are ``(role, text)`` pairs; roles
    are ours (system, user, assistant) or LangChain's (system, human, ai)."""
    system: list[dict[str, str]] = []
    history: list[dict[str, object]] = []
    for role, text in messages:
        mapped = _ROLES.get(role, "user")
        if mapped == "system":
            system += _text_parts(text)
        else:
            history.append({"role": mapped, "parts": _text_parts(text)})
    attributes = {genai.GEN_AI_INPUT_MESSAGES: json.dumps(history, ensure_ascii=False)}
    if system:
        attributes[genai.GEN_AI_SYSTEM_INSTRUCTIONS] = json.dumps(
            system, ensure_ascii=False
        )
    return attributes


def answer_attributes(completion: str, finish_reason: str | None) -> dict[str, str]:
    """The answer as a GenAI content attribute (opt-in, like the prompt)."""
    answer = {
        "role": "assistant",
        "parts": _text_parts(completion),
        "finish_reason": finish_reason or "stop",
    }
    return {genai.GEN_AI_OUTPUT_MESSAGES: json.dumps([answer], ensure_ascii=False)}


def cost_attributes(cost_usd: Decimal | float) -> dict[str, float]:
    """The call's known cost under our name and OpenInference's."""
    value = float(cost_usd)
    return {genai.TTA_COST_USD: value, genai.LLM_COST_TOTAL: value}
