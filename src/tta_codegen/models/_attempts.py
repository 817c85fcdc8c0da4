"""Calls to one model: retries with backoff, breaker and quota checks, spans.

Used by the gateway for each candidate in turn; every failed request is
recorded (stats, breaker, the call's attempt list) before it is retried or
given up on.
"""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from opentelemetry import trace
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
)

from tta_codegen.errors import ModelCallError
from tta_codegen.models.breaker import BreakerBoard
from tta_codegen.models.budget import Budget
from tta_codegen.models.chat_model import ChatModel, TokenSink
from tta_codegen.models.cost import call_cost
from tta_codegen.models.key_scrub import (
    ScrubbingSink,
    provider_keys,
    scrub_completion,
)
from tta_codegen.models.messages import ChatMessage, Completion
from tta_codegen.models.rate_limit import ProviderLimits
from tta_codegen.models.stats import StatsStore
from tta_codegen.settings import ModelEntry, Settings
from tta_codegen.state import Attempt
from tta_codegen.telemetry.llm_attributes import (
    answer_attributes,
    cost_attributes,
    prompt_attributes,
    request_attributes,
    response_attributes,
)

__all__ = ["Measured", "ModelCaller", "Plan", "Skip", "cost_of"]

Sleep = Callable[[float], Awaitable[None]]


class Skip(Exception):
    """A candidate refused before any request (quota, breaker)."""

    def __init__(self, reason: str, *, down: bool) -> None:
        super().__init__(reason)
        self.down = down
        """True when the model is down (circuit open), not just out of quota."""


@dataclass(frozen=True)
class Plan:
    """One candidate's call: everything an attempt at it needs."""

    entry: ModelEntry
    model: ChatModel
    messages: Sequence[ChatMessage]
    out_cap: int
    temperature: float | None
    on_token: TokenSink | None
    template: str
    attempts: list[Attempt]
    """Shared with ``chat``: every failed request is appended here."""


class ModelCaller:
    """Retrying, breaker-aware, traced calls to one model at a time."""

    def __init__(
        self,
        settings: Settings,
        stats: StatsStore,
        breakers: BreakerBoard,
        budget: Budget,
        tracer: trace.Tracer,
        sleep: Sleep,
    ) -> None:
        self.settings = settings
        self._keys = provider_keys(settings)
        """Key values no answer may carry on (see ``key_scrub``)."""
        self.limits = ProviderLimits.from_settings(settings, sleep)
        self.stats = stats
        self.breakers = breakers
        self.budget = budget
        self._tracer = tracer
        self._sleep = sleep

    def _wait(self, state: RetryCallState) -> float:
        routing = self.settings.routing
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, ModelCallError) and exc.retry_after_s is not None:
            return min(exc.retry_after_s, routing.backoff_max_s)
        base: float = routing.backoff_initial_s * 2 ** (state.attempt_number - 1)
        return min(
            base + random.uniform(0, routing.backoff_initial_s), routing.backoff_max_s
        )

    async def call(self, plan: Plan) -> Measured:
        retrying = AsyncRetrying(
            stop=stop_after_attempt(max(1, self.settings.routing.retries_per_model)),
            wait=self._wait,
            retry=retry_if_exception(
                lambda e: isinstance(e, ModelCallError) and e.retryable
            ),
            sleep=self._sleep,
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                return await self._attempt(plan)
        raise AssertionError("unreachable: tenacity reraises")  # pragma: no cover

    async def _attempt(self, plan: Plan) -> Measured:
        entry = plan.entry
        reason = await self.breakers.acquire(entry.id)
        if reason is not None:
            raise Skip(reason, down=True)
        if entry.is_free:
            provider = self.settings.provider(entry.provider)
            reason = await self.budget.take_free_slot(entry.provider, provider)
            if reason is not None:
                raise Skip(reason, down=False)
        with self._tracer.start_as_current_span(
            f"chat {entry.id}", kind=trace.SpanKind.CLIENT
        ) as span:
            start_span(span, plan, self.settings.telemetry.capture_content)
            try:
                async with self.limits.slot(entry.provider) as waited_s:
                    if waited_s > 0.001:
                        span.add_event("tta.rate_limited", {"tta.waited_s": waited_s})
                    started = time.perf_counter()
                    sink = (
                        ScrubbingSink(plan.on_token, self._keys)
                        if plan.on_token is not None and self._keys
                        else None
                    )
                    try:
                        completion = await plan.model.stream(
                            plan.messages,
                            max_output_tokens=plan.out_cap,
                            temperature=plan.temperature,
                            on_token=sink or plan.on_token,
                        )
                    finally:
                        if sink is not None:
                            sink.flush()
                    completion = scrub_completion(completion, self._keys)
                    latency_ms = (time.perf_counter() - started) * 1000
            except ModelCallError as exc:
                latency_ms = (time.perf_counter() - started) * 1000
                span.set_status(trace.Status(trace.StatusCode.ERROR, exc.message))
                span.set_attribute("error.type", str(exc.status or "ModelCallError"))
                await self.stats.record_call(entry.id, latency_ms, ok=False)
                await self.breakers.record_failure(entry.id)
                plan.attempts.append(
                    Attempt(
                        model=entry.id,
                        outcome="error",
                        reason=exc.message,
                        latency_ms=round(latency_ms, 3),
                    )
                )
                raise
            measured = Measured(completion, latency_ms, cost_of(entry, completion))
            record_answer(span, measured, plan, self.settings.telemetry.capture_content)
        await self.stats.record_call(entry.id, latency_ms, ok=True)
        await self.breakers.record_success(entry.id)
        return measured


@dataclass(frozen=True)
class Measured:
    """A completion with what the gateway measured of it."""

    completion: Completion
    latency_ms: float
    cost: Decimal | None
    """Provider-reported, else priced from the catalog, else None (unknown)."""


def cost_of(entry: ModelEntry, completion: Completion) -> Decimal | None:
    """Provider-reported cost, else catalog prices times tokens, else None."""
    if completion.provider_cost is not None:
        return completion.provider_cost
    if completion.input_tokens is None or completion.output_tokens is None:
        return None
    return call_cost(entry, completion.input_tokens, completion.output_tokens)


def record_answer(
    span: trace.Span, measured: Measured, plan: Plan, capture_content: bool
) -> None:
    """The GenAI response attributes of a call's span (content only on opt-in)."""
    completion = measured.completion
    span.set_attributes(
        response_attributes(
            response_model=completion.response_model,
            finish_reason=completion.finish_reason,
            input_tokens=completion.input_tokens,
            output_tokens=completion.output_tokens,
        )
    )
    if measured.cost is not None:
        span.set_attributes(cost_attributes(measured.cost))
    if completion.cut_at_chars is not None:
        span.set_attribute("tta.answer_cut_at_chars", completion.cut_at_chars)
    if capture_content:
        span.set_attributes(
            answer_attributes(completion.text, completion.finish_reason)
        )


def start_span(span: trace.Span, plan: Plan, capture_content: bool) -> None:
    """The GenAI request attributes of a call's span, and the fallbacks before it
    (the prompt only when content capture is on, so a failed call shows it too)."""
    span.set_attributes(
        request_attributes(
            provider=plan.entry.provider,
            model=plan.entry.id,
            max_tokens=plan.out_cap,
            temperature=plan.temperature,
            template=plan.template,
        )
    )
    if capture_content:
        span.set_attributes(
            prompt_attributes((m.role, m.content) for m in plan.messages)
        )
    for previous in plan.attempts:
        span.add_event(
            "tta.fallback",
            {
                "tta.model": previous.model,
                "tta.outcome": previous.outcome,
                "tta.reason": previous.reason,
            },
        )
