"""One streamed call to one model, with its GenAI span (no retries here)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    HumanMessage,
    SystemMessage,
)
from langchain_openai import ChatOpenAI
from opentelemetry import trace

from tta_codegen.errors import ModelCallError
from tta_codegen.models._client import USAGE_COST_KEY, map_error
from tta_codegen.models.messages import ChatMessage
from tta_codegen.telemetry import genai

__all__ = ["CallOutcome", "stream_once", "to_langchain"]


@dataclass(frozen=True)
class CallOutcome:
    """What one successful HTTP call returned."""

    text: str
    input_tokens: int | None
    output_tokens: int | None
    provider_cost: Decimal | None
    """``usage.cost`` as the provider reported it."""
    finish_reason: str | None
    response_model: str | None
    latency_ms: float


def to_langchain(messages: Sequence[ChatMessage]) -> list[BaseMessage]:
    """Our messages as LangChain messages."""
    kinds: dict[str, type[BaseMessage]] = {
        "system": SystemMessage,
        "user": HumanMessage,
        "assistant": AIMessage,
    }
    return [kinds[m.role](content=m.content) for m in messages]


def _cost(raw: object) -> Decimal | None:
    if raw is None:
        return None
    try:
        return Decimal(str(raw))
    except InvalidOperation:
        return None


async def stream_once(
    client: ChatOpenAI,
    model: str,
    messages: list[BaseMessage],
    *,
    max_output_tokens: int,
    temperature: float | None,
    on_token: Callable[[str], None] | None,
    span: trace.Span,
    capture_content: bool,
) -> CallOutcome:
    """Stream one completion; vendor errors come out as ModelCallError."""
    started = time.perf_counter()
    chunks: list[AIMessageChunk] = []
    kwargs: dict[str, Any] = {"max_tokens": max_output_tokens}
    if temperature is not None:
        kwargs["temperature"] = temperature
    try:
        async for chunk in client.astream(messages, **kwargs):
            if not isinstance(chunk, AIMessageChunk):
                continue
            if (
                on_token is not None
                and isinstance(chunk.content, str)
                and chunk.content
            ):
                on_token(chunk.content)
            chunks.append(chunk)
    except Exception as exc:
        mapped = map_error(exc, model)
        if mapped is None:
            raise
        raise mapped from None
    latency_ms = (time.perf_counter() - started) * 1000
    if not chunks:
        raise ModelCallError(f"{model}: empty stream", model=model, retryable=True)
    # one merge at the end: adding chunk by chunk re-merges the growing message
    merged = chunks[0] + chunks[1:] if len(chunks) > 1 else chunks[0]
    meta = merged.response_metadata
    finish = meta.get("finish_reason")
    if finish is None:
        raise ModelCallError(
            f"{model}: stream ended before the answer finished",
            model=model,
            retryable=True,
        )
    usage = merged.usage_metadata
    text = merged.content if isinstance(merged.content, str) else str(merged.content)
    outcome = CallOutcome(
        text=text,
        input_tokens=usage["input_tokens"] if usage else None,
        output_tokens=usage["output_tokens"] if usage else None,
        provider_cost=_cost(meta.get(USAGE_COST_KEY)),
        finish_reason=str(finish),
        response_model=meta.get("model_name"),
        latency_ms=latency_ms,
    )
    if outcome.response_model:
        span.set_attribute(genai.GEN_AI_RESPONSE_MODEL, outcome.response_model)
    span.set_attribute(
        genai.GEN_AI_RESPONSE_FINISH_REASONS, [outcome.finish_reason or ""]
    )
    if outcome.input_tokens is not None and outcome.output_tokens is not None:
        span.set_attribute(genai.GEN_AI_USAGE_INPUT_TOKENS, outcome.input_tokens)
        span.set_attribute(genai.GEN_AI_USAGE_OUTPUT_TOKENS, outcome.output_tokens)
    if capture_content:
        prompt = "\n\n".join(f"{m.type}: {m.content}" for m in messages)
        span.set_attribute("gen_ai.prompt", prompt)
        span.set_attribute("gen_ai.completion", text)
    return outcome
