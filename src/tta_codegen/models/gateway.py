"""The model gateway: what every LLM-calling graph node calls.

``chat`` walks the candidates in order. For each it checks, without calling:
paid-after-free, the context window, the budget (worst case reserved), the
circuit breaker and the free-tier quota; then it streams the call, retrying
429/5xx/timeouts/dropped streams with exponential backoff and jitter (honouring
Retry-After, capped by ``routing.backoff_max_s``); then it moves on to the next
candidate. Every attempt updates stats and breakers; the cost is committed to
the ledgers.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import TYPE_CHECKING

from opentelemetry import trace

if TYPE_CHECKING:
    import redis.asyncio as aioredis

from tta_codegen.errors import (
    BudgetExceededError,
    InputError,
    ModelCallError,
    ModelUnavailableError,
)
from tta_codegen.models._attempts import Measured, ModelCaller, Plan, Skip
from tta_codegen.models._store import open_redis
from tta_codegen.models.breaker import BreakerBoard
from tta_codegen.models.budget import Budget, Reservation
from tta_codegen.models.catalog import Catalog
from tta_codegen.models.chat_model import ChatModels
from tta_codegen.models.cost import call_cost
from tta_codegen.models.keys import no_usable_model
from tta_codegen.models.messages import ChatMessage, ChatResult
from tta_codegen.models.openai_chat import OpenAIChatModels
from tta_codegen.models.selection import ModelRequirements, select_models
from tta_codegen.models.stats import StatsStore, open_stats_store
from tta_codegen.settings import ModelEntry, Settings
from tta_codegen.state import Attempt, LLMCall, RankedModel
from tta_codegen.tokens import prompt_tokens as estimate_prompt_tokens

__all__ = ["ChatMessage", "ChatResult", "ModelGateway"]

Sleep = Callable[[float], Awaitable[None]]


class ModelGateway:
    """Selection, fallback, retries, breakers, budgets and cost for LLM calls."""

    def __init__(
        self,
        settings: Settings,
        *,
        catalog: Catalog,
        stats: StatsStore,
        breakers: BreakerBoard,
        budget: Budget,
        chat_models: ChatModels,
        tracer: trace.Tracer | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.settings = settings
        self.chat_models = chat_models
        self.catalog = catalog
        self.stats = stats
        self.breakers = breakers
        self.budget = budget
        self._caller = ModelCaller(
            settings, stats, breakers, budget, tracer or trace.NoOpTracer(), sleep
        )

    @classmethod
    @asynccontextmanager
    async def open(
        cls,
        settings: Settings,
        *,
        tracer: trace.Tracer | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Sleep = asyncio.sleep,
        chat_models: ChatModels | None = None,
    ) -> AsyncIterator[ModelGateway]:
        """A gateway on Redis (``routing.stats_url``) or the local state files.

        ``clock`` is wall-clock seconds: breaker timing, quota windows, UTC day.
        ``chat_models`` answers the calls (default: OpenAI-compatible HTTP
        endpoints of the configured providers).
        """
        url = settings.routing.stats_url
        redis = open_redis(url) if url else None
        owned = OpenAIChatModels(settings) if chat_models is None else None
        try:
            gateway = cls(
                settings,
                catalog=Catalog(settings),
                stats=open_stats_store(settings, redis),
                breakers=BreakerBoard.from_settings(settings, redis, clock),
                budget=Budget.from_settings(settings, redis, clock),
                chat_models=owned or chat_models,  # type: ignore[arg-type]
                tracer=tracer,
                sleep=sleep,
            )
            if redis is not None:  # request limits shared like stats and budgets
                gateway.share_request_limits(redis, clock=clock, sleep=sleep)
            yield gateway
        finally:
            if owned is not None:
                await owned.aclose()
            if redis is not None:
                await redis.aclose()

    def share_request_limits(
        self,
        redis: aioredis.Redis,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        """Hold the per-provider request limits in Redis, for every process
        sharing it (a fleet), instead of in this process."""
        from tta_codegen.models.shared_limits import (  # noqa: PLC0415
            SharedProviderLimits,
        )

        self._caller.limits = SharedProviderLimits(  # type: ignore[assignment]
            redis,
            self.settings.routing.key_prefix,
            self.settings.providers,
            clock=clock,
            sleep=sleep,
        )

    async def select(self, requirements: ModelRequirements) -> list[RankedModel]:
        """Rank every catalog model for ``requirements`` (eligible first)."""
        snapshot = await self.stats.snapshot()
        entries = self.catalog.all()
        return select_models(
            self.catalog,
            snapshot,
            requirements,
            breakers=await self.breakers.states([e.id for e in entries]),
            now=self.breakers.now(),
            breaker_reset_s=self.breakers.reset_s,
            unusable=self.unusable(entries),
        )

    def unusable(self, entries: Sequence[ModelEntry]) -> dict[str, str]:
        """The entries that cannot be called at all, with the reason."""
        return {
            e.id: reason
            for e in entries
            if (reason := self.chat_models.unavailable(e)) is not None
        }

    def require_callable(self, pinned: str | None) -> None:
        """Raise ``NoUsableModelError`` (before any run starts) when the pinned
        model, or every catalog model, cannot be called; the message says what to
        set for each configured provider."""
        entries = [self.catalog.get(pinned)] if pinned else self.catalog.all()
        unusable = self.unusable(entries)
        if len(unusable) < len(entries):
            return
        raise no_usable_model(self.settings, entries, unusable, pinned=pinned)

    def require_prompt_fits(self, prompt: str, pinned: str | None) -> None:
        """Raise ``InputError`` (before any run starts) when a prompt of
        ``prompt`` alone leaves no usable model room for its output."""
        entries = [self.catalog.get(pinned)] if pinned else self.catalog.all()
        unusable = self.unusable(entries)
        usable = [e for e in entries if e.id not in unusable]
        tokens = estimate_prompt_tokens([prompt])
        if not usable or any(
            tokens + self._output_cap(e, None) <= e.context_window for e in usable
        ):
            return
        largest = max(e.context_window for e in usable)
        raise InputError(
            f"prompt of about {tokens} tokens exceeds every usable model's context "
            f"window (largest: {largest})",
            hint="shorten the task, or add a model with a larger context window",
        )

    async def record_gate_outcome(
        self, model: str, task_type: str, passed: bool
    ) -> None:
        """Feed a validate result back into selection."""
        await self.stats.record_gate_outcome(model, task_type, passed)

    def _output_cap(self, entry: ModelEntry, requested: int | None) -> int:
        cap = requested or self.settings.generation.max_output_tokens
        return min(cap, entry.max_output_tokens) if entry.max_output_tokens else cap

    def _precheck(
        self, entry: ModelEntry, first_free: bool, prompt_tokens: int, out_cap: int
    ) -> str | None:
        if (
            first_free
            and not entry.is_free
            and not self.settings.routing.allow_paid_fallback
        ):
            return "paid model after a free one (routing.allow_paid_fallback is off)"
        if prompt_tokens + out_cap > entry.context_window:
            return (
                f"context window {entry.context_window} too small for ~{prompt_tokens} "
                f"prompt + {out_cap} output tokens"
            )
        return None

    async def chat(
        self,
        messages: Sequence[ChatMessage],
        *,
        candidates: Sequence[str],
        node: str,
        template: str,
        run_spent: Decimal = Decimal(0),
        max_output_tokens: int | None = None,
        temperature: float | None = None,
        on_token: Callable[[str], None] | None = None,
    ) -> ChatResult:
        """The first answer from ``candidates`` in order; see the module doc.

        Raises BudgetExceededError when a budget refused every candidate that was
        not otherwise skipped, ModelUnavailableError when all failed, ConfigError
        for a missing API key. ``on_token`` sees every streamed chunk, so a stream
        that drops and is retried shows its partial text before the retry's.
        """
        prompt_tokens = estimate_prompt_tokens(m.content for m in messages)
        attempts: list[Attempt] = []
        refusal: BudgetExceededError | None = None
        first_free: bool | None = None
        for model_id in candidates:
            entry = self.catalog.get(model_id)
            first_free = entry.is_free if first_free is None else first_free
            out_cap = self._output_cap(entry, max_output_tokens)
            reason = self._precheck(entry, first_free, prompt_tokens, out_cap)
            if reason is not None:
                attempts.append(
                    Attempt(model=model_id, outcome="skipped", reason=reason)
                )
                continue
            model = self.chat_models(entry)
            try:
                held = await self.budget.reserve(
                    call_cost(entry, prompt_tokens, out_cap), run_spent=run_spent
                )
            except BudgetExceededError as exc:
                refusal = refusal or exc
                attempts.append(
                    Attempt(model=model_id, outcome="skipped", reason=exc.message)
                )
                continue
            plan = Plan(
                entry,
                model,
                messages,
                out_cap,
                temperature,
                on_token,
                template,
                attempts,
            )
            try:
                measured = await self._caller.call(plan)
            except ModelCallError:
                await self.budget.release(held)  # each failed request is in attempts
                attempts[-1] = attempts[-1].model_copy(update={"down": True})
                continue
            except Skip as exc:
                await self.budget.release(held)
                attempts.append(
                    Attempt(
                        model=model_id,
                        outcome="skipped",
                        reason=str(exc),
                        down=exc.down,
                    )
                )
                continue
            except BaseException:  # cancelled (interrupt, Ctrl-C) or a bug
                await asyncio.shield(self.budget.release(held))
                raise
            return await self._finish(entry, measured, held, node, template, attempts)
        raise _unavailable(attempts, refusal)

    async def _finish(
        self,
        entry: ModelEntry,
        measured: Measured,
        held: Reservation,
        node: str,
        template: str,
        attempts: list[Attempt],
    ) -> ChatResult:
        completion = measured.completion
        await self.budget.commit(held, measured.cost)
        call = LLMCall(
            node=node,
            model=entry.id,
            provider=entry.provider,
            template=template,
            latency_ms=round(measured.latency_ms, 3),
            input_tokens=completion.input_tokens or 0,
            output_tokens=completion.output_tokens or 0,
            cost_usd=measured.cost,
            finish_reason=completion.finish_reason,
            attempts=tuple(attempts),
        )
        return ChatResult(text=completion.text, call=call)


def _unavailable(
    attempts: Sequence[Attempt], refusal: BudgetExceededError | None
) -> ModelUnavailableError:
    tried = "; ".join(f"{a.model}: {a.outcome} ({a.reason})" for a in attempts)
    if refusal is not None and not any(a.outcome == "error" for a in attempts):
        return BudgetExceededError(refusal.message, hint=refusal.hint)
    if not attempts:
        return ModelUnavailableError("no candidate models were given")
    return ModelUnavailableError(f"no model could answer: {tried}")
