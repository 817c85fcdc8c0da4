"""A tracer provider passed in (never global) with an in-memory exporter behind
the same scrubbing exporter wrapper production uses."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
    InMemorySpanExporter,
)
from opentelemetry.trace import Tracer

from tta_codegen.telemetry.local_store import ThreadIdPropagator
from tta_codegen.telemetry.redacting_exporter import RedactingSpanExporter


@pytest.fixture
def span_exporter() -> InMemorySpanExporter:
    """Receives every finished span, already scrubbed."""
    return InMemorySpanExporter()


@pytest.fixture
def tracer(span_exporter: InMemorySpanExporter) -> Iterator[Tracer]:
    """A tracer from a provider that exports to ``span_exporter``."""
    provider = TracerProvider()
    provider.add_span_processor(ThreadIdPropagator())
    provider.add_span_processor(
        SimpleSpanProcessor(RedactingSpanExporter(span_exporter))
    )
    yield provider.get_tracer("test")
    provider.shutdown()
