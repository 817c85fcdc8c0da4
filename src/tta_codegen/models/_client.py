"""The LLM edge: ChatOpenAI construction, API keys, and vendor error mapping.

Nothing above this module sees an openai, httpx or langchain exception: they
become ``ModelCallError(retryable=...)`` here.
"""

from __future__ import annotations

import asyncio
import email.utils
import os
import re
import time
from typing import Any, Protocol

import httpx
import openai
from langchain_core.outputs import ChatGenerationChunk
from langchain_openai import ChatOpenAI
from pydantic import SecretStr

from tta_codegen.errors import ConfigError, ModelCallError
from tta_codegen.settings import ProviderSettings

__all__ = [
    "USAGE_COST_KEY",
    "CostAwareChatOpenAI",
    "api_key",
    "make_client",
    "map_error",
]

USAGE_COST_KEY = "usage_cost_usd"
"""response_metadata key holding the provider-reported ``usage.cost``."""

_RETRYABLE_STATUS = frozenset({408, 409, 425, 429})

_TIMEOUTS: tuple[type[BaseException], ...] = (
    openai.APITimeoutError,
    asyncio.TimeoutError,
    httpx.TimeoutException,
)
_TRANSPORT: tuple[type[BaseException], ...] = (
    openai.APIConnectionError,
    httpx.TransportError,
)
try:  # the transport of openai 3.x; its errors mid-stream may surface unwrapped
    import httpx2

    _TIMEOUTS += (httpx2.TimeoutException,)
    _TRANSPORT += (httpx2.TransportError,)
except ImportError:  # pragma: no cover - older openai on plain httpx
    pass


class _Headers(Protocol):
    def get(self, key: str) -> str | None: ...


class CostAwareChatOpenAI(ChatOpenAI):
    """ChatOpenAI that keeps OpenRouter's ``usage.cost`` when streaming.

    langchain-openai 1.7 turns the final usage chunk into ``usage_metadata``
    (token counts only) and drops the rest of the raw ``usage`` object; this
    copies ``usage.cost`` into the chunk's ``response_metadata``.
    """

    def _convert_chunk_to_generation_chunk(
        self,
        chunk: dict[str, Any],
        default_chunk_class: type,
        base_generation_info: dict[str, Any] | None,
    ) -> ChatGenerationChunk | None:
        generation = super()._convert_chunk_to_generation_chunk(
            chunk, default_chunk_class, base_generation_info
        )
        usage = chunk.get("usage")
        if generation is not None and isinstance(usage, dict) and "cost" in usage:
            info = dict(generation.generation_info or {})
            info[USAGE_COST_KEY] = str(usage["cost"])
            generation.generation_info = info
        return generation


def api_key(provider_name: str, provider: ProviderSettings) -> str:
    """The provider's key from its environment variable.

    ConfigError naming the variable (never a value) when a required key is
    missing; a placeholder for local servers that take any key.
    """
    value = os.environ.get(provider.api_key_env) if provider.api_key_env else None
    if value:
        return value
    if provider.api_key_required:
        where = provider.api_key_env or f"providers.{provider_name}.api_key_env"
        raise ConfigError(
            f"no API key for provider {provider_name!r}: set {where}",
            hint="the key is read from the environment, never from the config file",
        )
    return "not-needed"


def make_client(
    model: str, provider_name: str, provider: ProviderSettings
) -> ChatOpenAI:
    """A streaming ChatOpenAI for one model; its own retries are off."""
    return CostAwareChatOpenAI(
        model=model,
        base_url=provider.base_url,
        api_key=SecretStr(api_key(provider_name, provider)),
        max_retries=0,
        stream_usage=True,
        timeout=provider.timeout_s,
        default_headers=provider.headers or None,
    )


def _retry_after(headers: _Headers | None) -> float | None:
    if headers is None:
        return None
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        return None if parsed is None else max(0.0, parsed.timestamp() - time.time())


_SECRET_LIKE = re.compile(r"\b(?:sk|key|token)[-_][A-Za-z0-9_\-]{6,}", re.IGNORECASE)


def _provider_message(body: object) -> str:
    """The provider's error message, shortened, with anything key-like removed."""
    message = body.get("message") if isinstance(body, dict) else None
    if not isinstance(message, str):
        return ""
    return _SECRET_LIKE.sub("[redacted]", message)[:200]


def map_error(exc: BaseException, model: str) -> ModelCallError | None:
    """The ModelCallError for a vendor exception; None if it is not a call error."""
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        retryable = status in _RETRYABLE_STATUS or status >= 500
        detail = _provider_message(exc.body)
        return ModelCallError(
            f"{model}: HTTP {status}" + (f" ({detail})" if detail else ""),
            model=model,
            retryable=retryable,
            status=status,
            retry_after_s=_retry_after(exc.response.headers),
        )
    if isinstance(exc, _TIMEOUTS):
        return ModelCallError(f"{model}: timed out", model=model, retryable=True)
    if isinstance(exc, _TRANSPORT):
        return ModelCallError(
            f"{model}: connection failed or stream dropped ({type(exc).__name__})",
            model=model,
            retryable=True,
        )
    if isinstance(exc, openai.APIError):
        return ModelCallError(
            f"{model}: provider error ({type(exc).__name__})",
            model=model,
            retryable=False,
        )
    return None
