"""``ChatModel`` on langchain-openai: any OpenAI-compatible endpoint.

``OpenAIChatModels`` hands the gateway one ``OpenAIChatModel`` per catalog
entry; every model of a provider shares one HTTP client (one connection pool),
whose transport reads the provider-reported cost and bounds what is read.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence
from contextlib import aclosing
from decimal import Decimal
from functools import cache
from ssl import SSLContext
from typing import Any, cast

import httpx2
import openai
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    BaseMessageChunk,
    HumanMessage,
    SystemMessage,
)
from langchain_openai import ChatOpenAI
from pydantic import SecretStr

from tta_codegen.errors import ModelCallError
from tta_codegen.finish_reasons import RUNAWAY
from tta_codegen.models._openai_errors import map_error
from tta_codegen.models._response_meter import (
    MeteredTransport,
    ResponseMeter,
    metering,
)
from tta_codegen.models.chat_model import ChatModel, TokenSink
from tta_codegen.models.keys import api_key, key_problem
from tta_codegen.models.messages import ChatMessage, Completion
from tta_codegen.settings import ModelEntry, Settings
from tta_codegen.tokens import CHARS_PER_TOKEN

__all__ = ["OpenAIChatModel", "OpenAIChatModels", "answer_char_cap"]

_KINDS: dict[str, type[BaseMessage]] = {
    "system": SystemMessage,
    "user": HumanMessage,
    "assistant": AIMessage,
}
_WIRE_BYTES_PER_CHAR = 64
"""Event-stream bytes allowed per answer character (JSON framing of tiny chunks)."""


def answer_char_cap(max_output_tokens: int) -> int:
    """Answer characters read before the rest is dropped: twice what
    ``max_output_tokens`` tokens can hold, so only a runaway answer trips it."""
    return 2 * CHARS_PER_TOKEN * max_output_tokens


class OpenAIChatModel:
    """One model behind an OpenAI-compatible endpoint (ChatOpenAI, streaming)."""

    def __init__(self, client: ChatOpenAI, model_id: str) -> None:
        self._client = client
        self.model_id = model_id

    async def stream(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_output_tokens: int,
        temperature: float | None,
        on_token: TokenSink | None,
    ) -> Completion:
        """See ``ChatModel.stream``."""
        cap = answer_char_cap(max_output_tokens)
        meter = ResponseMeter(wire_cap=cap * _WIRE_BYTES_PER_CHAR)
        kwargs: dict[str, Any] = {"max_tokens": max_output_tokens}
        if temperature is not None:
            kwargs["temperature"] = temperature
        answer = _Answer()
        lc_messages = [_KINDS[m.role](content=m.content) for m in messages]
        with metering(meter):
            try:
                answer_stream = cast(
                    "AsyncGenerator[BaseMessageChunk, None]",
                    self._client.astream(lc_messages, **kwargs),
                )
                async with aclosing(answer_stream) as it:
                    async for chunk in it:
                        if answer.add(chunk, on_token) > cap:
                            return answer.completion(meter, cut_at=cap)
            except Exception as exc:
                fallback = _json_completion(meter)
                if fallback is not None:
                    _replay(fallback.text, on_token)
                    return fallback
                mapped = map_error(exc, self.model_id, meter)
                if mapped is None:
                    raise
                raise mapped from None
        if answer.finish_reason is None and not meter.capped:
            raise ModelCallError(
                f"{self.model_id}: stream ended before the answer finished",
                model=self.model_id,
                retryable=True,
            )
        return answer.completion(meter, cut_at=cap if meter.capped else None)


class _Answer:
    """The pieces of a streamed answer, kept in O(1) per chunk."""

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.chars = 0
        self.finish_reason: str | None = None
        self.model_name: str | None = None
        self.input_tokens: int | None = None
        self.output_tokens: int | None = None

    def add(self, chunk: object, on_token: TokenSink | None) -> int:
        if not isinstance(chunk, AIMessageChunk):
            return self.chars
        text = chunk.content if isinstance(chunk.content, str) else ""
        if text:
            self.pieces.append(text)
            self.chars += len(text)
            if on_token is not None:
                on_token(text)
        meta = chunk.response_metadata
        self.finish_reason = meta.get("finish_reason") or self.finish_reason
        self.model_name = meta.get("model_name") or self.model_name
        if chunk.usage_metadata:
            self.input_tokens = chunk.usage_metadata["input_tokens"]
            self.output_tokens = chunk.usage_metadata["output_tokens"]
        return self.chars

    def completion(self, meter: ResponseMeter, *, cut_at: int | None) -> Completion:
        return Completion(
            text="".join(self.pieces),
            finish_reason=RUNAWAY if cut_at else (self.finish_reason or "stop"),
            input_tokens=self.input_tokens,
            output_tokens=self.output_tokens,
            provider_cost=meter.usage_cost(),
            response_model=self.model_name,
            cut_at_chars=cut_at,
        )


def _replay(text: str, on_token: TokenSink | None) -> None:
    if on_token is not None and text:
        on_token(text)


def _json_completion(meter: ResponseMeter) -> Completion | None:
    """A whole chat completion sent as one JSON body (some gateways ignore
    ``stream: true``), or None."""
    body = meter.json_body()
    choices = body.get("choices") if body else None
    if not body or not isinstance(choices, list) or not choices:
        return None
    first = choices[0] if isinstance(choices[0], dict) else {}
    message = first.get("message")
    text = message.get("content") if isinstance(message, dict) else None
    if not isinstance(text, str):
        return None
    usage = body.get("usage") if isinstance(body.get("usage"), dict) else {}
    assert isinstance(usage, dict)
    cost = usage.get("cost")
    return Completion(
        text=text,
        finish_reason=str(first.get("finish_reason") or "stop"),
        input_tokens=_int(usage.get("prompt_tokens")),
        output_tokens=_int(usage.get("completion_tokens")),
        provider_cost=Decimal(str(cost)) if isinstance(cost, int | float) else None,
        response_model=str(body["model"]) if body.get("model") else None,
    )


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@cache
def _tls() -> SSLContext:
    """One TLS context (the default trust store) for every client of the
    process: building one costs tens of milliseconds."""
    return httpx2.create_ssl_context()


class OpenAIChatModels:
    """The production ``ChatModels``: one HTTP client per provider, one
    ChatOpenAI per model, each created on first use."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._http: dict[str, httpx2.AsyncClient] = {}
        self._models: dict[str, OpenAIChatModel] = {}
        self._unused_sync: httpx2.Client | None = None

    def __call__(self, entry: ModelEntry) -> ChatModel:
        """The model for ``entry``; ConfigError when its provider's key is unusable."""
        model = self._models.get(entry.id)
        if model is None:
            provider = self._settings.provider(entry.provider)
            client = ChatOpenAI(
                model=entry.id,
                base_url=provider.base_url,
                api_key=SecretStr(api_key(entry.provider, provider)),
                max_retries=0,
                stream_usage=True,
                timeout=provider.timeout_s,
                default_headers=provider.headers or None,
                http_async_client=self._http_client(entry.provider),
                http_client=self._sync_client(),
            )
            model = self._models[entry.id] = OpenAIChatModel(client, entry.id)
        return model

    def unavailable(self, entry: ModelEntry) -> str | None:
        """Why ``entry`` cannot be called: an unknown provider or an unusable key."""
        provider = self._settings.providers.get(entry.provider)
        if provider is None:
            return f"unknown provider {entry.provider!r}"
        return key_problem(entry.provider, provider)

    def _http_client(self, provider: str) -> httpx2.AsyncClient:
        client = self._http.get(provider)
        if client is None:
            transport = MeteredTransport(httpx2.AsyncHTTPTransport(verify=_tls()))
            client = openai.DefaultAsyncHttpxClient(transport=transport, verify=_tls())
            self._http[provider] = client
        return client

    def _sync_client(self) -> httpx2.Client:
        """Never used (every call is async), but ChatOpenAI builds one if not
        given; this one shares the TLS context."""
        if self._unused_sync is None:
            self._unused_sync = openai.DefaultHttpxClient(verify=_tls())
        return self._unused_sync

    async def aclose(self) -> None:
        """Close every provider's connection pool."""
        for client in self._http.values():
            await client.aclose()
        self._http.clear()
        if self._unused_sync is not None:
            self._unused_sync.close()
            self._unused_sync = None
        self._models.clear()
