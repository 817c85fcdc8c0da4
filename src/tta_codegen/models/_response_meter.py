"""An HTTP transport that watches each model response's bytes as they pass.

It reads what langchain-openai drops (OpenRouter's ``usage.cost`` in the last
event of a stream), keeps a provider's non-stream body (a gateway that answers
a streaming request with one JSON document), and stops reading a response past
a size cap. The meter of the current call lives in a context variable, so one
HTTP client (and connection pool) serves every model of a provider.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import httpx2

__all__ = ["MeteredTransport", "ResponseMeter", "metering"]

_TAIL_BYTES = 64 * 1024
_BODY_BYTES = 8 * 1024 * 1024


@dataclass
class ResponseMeter:
    """What the transport saw of one call's response."""

    wire_cap: int
    """Bytes read before the response is cut off."""
    content_type: str = ""
    bytes_read: int = 0
    capped: bool = False
    """True when the response was longer than ``wire_cap`` and cut off."""
    _tail: bytearray = field(default_factory=bytearray)
    _body: bytearray = field(default_factory=bytearray)

    @property
    def is_event_stream(self) -> bool:
        """The response is server-sent events (what a streaming request expects)."""
        return self.content_type.startswith("text/event-stream")

    def feed(self, chunk: bytes) -> None:
        """Account for one piece of the body (amortised O(len(chunk)))."""
        self.bytes_read += len(chunk)
        if self.bytes_read > self.wire_cap:
            self.capped = True
        if self.is_event_stream:
            self._tail += chunk
            if len(self._tail) > 2 * _TAIL_BYTES:
                del self._tail[:-_TAIL_BYTES]
        elif len(self._body) < _BODY_BYTES:
            self._body += chunk[: _BODY_BYTES - len(self._body)]

    def usage_cost(self) -> Decimal | None:
        """``usage.cost`` of the stream's last usage event, when one was sent."""
        for event in reversed(list(_data_events(bytes(self._tail)))):
            usage = event.get("usage")
            if isinstance(usage, dict) and usage.get("cost") is not None:
                try:
                    return Decimal(str(usage["cost"]))
                except InvalidOperation:
                    return None
        return None

    def json_body(self) -> dict[str, object] | None:
        """The body as a JSON object, when it was one (not an event stream)."""
        if self.is_event_stream or not self._body:
            return None
        try:
            value = json.loads(bytes(self._body))
        except ValueError:
            return None
        return value if isinstance(value, dict) else None


def _data_events(tail: bytes) -> Iterator[dict[str, object]]:
    for line in tail.split(b"\n"):
        if not line.startswith(b"data:") or b'"usage"' not in line:
            continue
        try:
            value = json.loads(line[5:].strip())
        except ValueError:
            continue
        if isinstance(value, dict):
            yield value


_current: ContextVar[ResponseMeter | None] = ContextVar("_response_meter", default=None)


@contextmanager
def metering(meter: ResponseMeter) -> Iterator[ResponseMeter]:
    """Route the responses of requests made inside the block to ``meter``."""
    token = _current.set(meter)
    try:
        yield meter
    finally:
        _current.reset(token)


class _MeteredStream(httpx2.AsyncByteStream):
    def __init__(self, inner: httpx2.AsyncByteStream, meter: ResponseMeter) -> None:
        self._inner = inner
        self._meter = meter

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            self._meter.feed(chunk)
            if self._meter.capped:
                return  # the reader sees the body end here
            yield chunk

    async def aclose(self) -> None:
        await self._inner.aclose()


class MeteredTransport(httpx2.AsyncBaseTransport):
    """Wraps a transport; responses of metered requests pass through a meter."""

    def __init__(self, inner: httpx2.AsyncBaseTransport) -> None:
        self._inner = inner

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        response = await self._inner.handle_async_request(request)
        meter = _current.get()
        if meter is not None:
            meter.content_type = response.headers.get("content-type", "").lower()
            assert isinstance(response.stream, httpx2.AsyncByteStream)
            response.stream = _MeteredStream(response.stream, meter)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()
