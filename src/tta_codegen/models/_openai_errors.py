"""Vendor exceptions from the OpenAI client, mapped to ``ModelCallError``.

Nothing above the model layer sees an openai or httpx exception: they become
``ModelCallError(retryable=...)`` here.
"""

from __future__ import annotations

import asyncio
import email.utils
import re
import time
from typing import Protocol

import httpx
import httpx2
import openai

from tta_codegen.errors import ModelCallError
from tta_codegen.models._response_meter import ResponseMeter

__all__ = ["map_error"]

_RETRYABLE_STATUS = frozenset({408, 409, 425, 429})

_TIMEOUTS: tuple[type[BaseException], ...] = (
    openai.APITimeoutError,
    asyncio.TimeoutError,
    httpx.TimeoutException,
    httpx2.TimeoutException,
)
_TRANSPORT: tuple[type[BaseException], ...] = (
    openai.APIConnectionError,
    httpx.TransportError,
    httpx2.TransportError,
)


class _Headers(Protocol):
    def get(self, key: str) -> str | None: ...


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


def map_error(
    exc: BaseException, model: str, meter: ResponseMeter
) -> ModelCallError | None:
    """The ModelCallError for a vendor exception; None if it is not a call error.

    A 200 whose body is not a chat completion stream (HTML from a proxy, broken
    JSON, garbage events) is a provider error like a 5xx: retried, then the next
    model.
    """
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
    if isinstance(exc, UnicodeEncodeError):  # a header value; its text holds the key
        return ModelCallError(
            f"{model}: a request header (the API key?) has a character that cannot "
            "be sent over HTTP",
            model=model,
            retryable=False,
        )
    if isinstance(exc, ValueError):  # JSONDecodeError, "no generation chunks"
        kind = meter.content_type.split(";")[0] or "no content type"
        return ModelCallError(
            f"{model}: malformed response (HTTP 200, {kind}, "
            f"{meter.bytes_read} bytes): not a chat completion stream",
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
