"""A SpanExporter wrapper that scrubs secrets from every span before export.

Every string a span carries (name, attributes, event attributes such as
``exception.message`` and ``exception.stacktrace``, link attributes, status
description) goes through ``Redactor`` before the wrapped exporter sees it, so
both the OTLP export and the local span store only ever get scrubbed text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from opentelemetry.sdk.trace import Event, ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult
from opentelemetry.trace import Link, Status

from tta_codegen.telemetry.redact import Redactor

__all__ = ["RedactingSpanExporter", "redact_span"]


def redact_span(span: ReadableSpan, redactor: Redactor) -> ReadableSpan:
    """A copy of ``span`` whose every string is scrubbed."""
    status = span.status
    if status.description:
        status = Status(status.status_code, redactor.text(status.description))
    return ReadableSpan(
        name=redactor.text(span.name),
        context=span.context,
        parent=span.parent,
        resource=span.resource,
        attributes=redactor.attributes(span.attributes),
        events=[
            Event(e.name, redactor.attributes(e.attributes), e.timestamp)
            for e in span.events
        ],
        links=[
            Link(link.context, redactor.attributes(link.attributes))
            for link in span.links
        ],
        kind=span.kind,
        status=status,
        start_time=span.start_time,
        end_time=span.end_time,
        instrumentation_scope=span.instrumentation_scope,
    )


class RedactingSpanExporter(SpanExporter):
    """A SpanExporter that scrubs every span, then hands it to ``inner``."""

    def __init__(self, inner: SpanExporter, extra_secrets: Iterable[str] = ()) -> None:
        self._inner = inner
        self._extra = tuple(extra_secrets)

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        """Scrub ``spans`` and export them with the wrapped exporter."""
        redactor = Redactor(extra=self._extra)
        return self._inner.export([redact_span(s, redactor) for s in spans])

    def shutdown(self) -> None:
        """Shut the wrapped exporter down."""
        self._inner.shutdown()

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        """Flush the wrapped exporter."""
        return self._inner.force_flush(timeout_millis)
