"""Span helpers for the graph: the run root, one span per node, gate and sandbox.

Only the OpenTelemetry API is used here; which SDK (if any) receives the spans
is decided once at the entry point (``setup_tracing``). Spans become current in
the ``contextvars`` context, so children started in other asyncio tasks created
inside a span (``asyncio.gather``, ``create_task``) get the right parent.
"""

from __future__ import annotations

import asyncio
import traceback
from contextlib import AbstractContextManager
from types import TracebackType
from typing import Final

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import (
    Link,
    NonRecordingSpan,
    Span,
    SpanContext,
    SpanKind,
    Status,
    StatusCode,
    TraceFlags,
    Tracer,
)

from tta_codegen.telemetry.genai import TTA_ITERATION, TTA_NODE, TTA_THREAD_ID
from tta_codegen.telemetry.redact import redact

__all__ = [
    "RUN_SPAN_NAME",
    "TTA_GATE",
    "TTA_OUTCOME",
    "TTA_RESUMED",
    "TTA_TASK",
    "gate_span",
    "node_span",
    "record_error",
    "run_span",
    "sandbox_span",
    "set_outcome",
    "span_ids",
]

RUN_SPAN_NAME: Final = "codegen.run"
TTA_OUTCOME: Final = "tta.outcome"
TTA_TASK: Final = "tta.task"
TTA_RESUMED: Final = "tta.resumed"
TTA_GATE: Final = "tta.gate"
PROCESS_EXECUTABLE_NAME: Final = "process.executable.name"
TASK_PREVIEW_CHARS: Final = 120
"""The root span keeps only the start of the task text."""


def span_ids(span: Span) -> tuple[str, str]:
    """``(trace_id_hex, span_id_hex)`` of ``span``, to keep in the checkpoint."""
    ctx = span.get_span_context()
    return trace.format_trace_id(ctx.trace_id), trace.format_span_id(ctx.span_id)


def set_outcome(span: Span, outcome: str) -> None:
    """Record how a node, gate or run ended (``passed``, ``failed``, ...)."""
    span.set_attribute(TTA_OUTCOME, outcome)


def record_error(span: Span, exc: BaseException) -> None:
    """Mark ``span`` failed with ``exc``; message and stack trace are scrubbed."""
    if isinstance(exc, asyncio.CancelledError | KeyboardInterrupt):
        set_outcome(span, "cancelled")
        return
    message = redact(str(exc))
    span.record_exception(
        exc,
        attributes={
            "exception.message": message,
            "exception.stacktrace": redact("".join(traceback.format_exception(exc))),
        },
        escaped=True,
    )
    span.set_status(Status(StatusCode.ERROR, f"{type(exc).__name__}: {message}"))
    span.set_attribute(TTA_OUTCOME, "error")


class _SpanScope(AbstractContextManager[Span]):
    """Starts a span, makes it current, records an escaping exception, ends it.

    A plain class rather than a generator: it is on every node's path, and one
    generator-based context manager fewer halves the cost with a no-op tracer.
    """

    __slots__ = (
        "_attributes",
        "_context",
        "_links",
        "_name",
        "_scrubbed",
        "_span",
        "_token",
        "_tracer",
    )

    def __init__(
        self,
        tracer: Tracer,
        name: str,
        attributes: dict[str, str | int | bool],
        *,
        context: Context | None = None,
        links: list[Link] | None = None,
        scrubbed: dict[str, str] | None = None,
    ) -> None:
        self._tracer = tracer
        self._scrubbed = scrubbed
        self._name = name
        self._attributes = attributes
        self._context = context
        self._links = links

    def __enter__(self) -> Span:
        self._span = self._tracer.start_span(
            self._name,
            context=self._context,
            kind=SpanKind.INTERNAL,
            attributes=self._attributes,
            links=self._links,
            record_exception=False,
            set_status_on_exception=False,
        )
        if self._scrubbed and self._span.is_recording():
            for key, value in self._scrubbed.items():
                self._span.set_attribute(key, redact(value))
        self._token = otel_context.attach(trace.set_span_in_context(self._span))
        return self._span

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if exc is not None:
                record_error(self._span, exc)
        finally:
            self._span.end()
            otel_context.detach(self._token)


def _resume_parent(resume: tuple[str, str]) -> SpanContext:
    trace_hex, span_hex = resume
    try:
        trace_id, span_id = int(trace_hex, 16), int(span_hex, 16)
    except ValueError:
        trace_id = span_id = 0
    return SpanContext(
        trace_id=trace_id,
        span_id=span_id,
        is_remote=True,
        trace_flags=TraceFlags(TraceFlags.SAMPLED),
    )


def run_span(
    tracer: Tracer,
    *,
    thread_id: str,
    task: str,
    resume: tuple[str, str] | None = None,
) -> AbstractContextManager[Span]:
    """The root span ``codegen.run`` of one run (or one resumption).

    With ``resume=(trace_id_hex, span_id_hex)`` from the checkpoint (see
    ``span_ids``), the span continues that trace as a child of the earlier root
    and links to it, so a thread is one story in Jaeger. Invalid stored ids start
    a fresh trace.
    """
    attributes: dict[str, str | int | bool] = {
        TTA_THREAD_ID: thread_id,
        TTA_RESUMED: resume is not None,
    }
    context: Context | None = None
    links: list[Link] | None = None
    if resume is not None:
        parent = _resume_parent(resume)
        if parent.is_valid:
            context = trace.set_span_in_context(NonRecordingSpan(parent), Context())
            links = [Link(parent, {"tta.link": "resumed_from"})]
    return _SpanScope(
        tracer,
        RUN_SPAN_NAME,
        attributes,
        context=context,
        links=links,
        scrubbed={TTA_TASK: task[:TASK_PREVIEW_CHARS]},
    )


def node_span(
    tracer: Tracer, node: str, *, iteration: int
) -> AbstractContextManager[Span]:
    """A child span ``node {node}`` with ``tta.node`` and ``tta.iteration``; set
    the result with ``set_outcome``; an exception is recorded (scrubbed)."""
    return _SpanScope(
        tracer, f"node {node}", {TTA_NODE: node, TTA_ITERATION: iteration}
    )


def gate_span(tracer: Tracer, gate: str) -> AbstractContextManager[Span]:
    """A span ``gate {gate}`` around one quality gate (ruff, mypy, pytest, ...)."""
    return _SpanScope(tracer, f"gate {gate}", {TTA_GATE: gate})


def sandbox_span(tracer: Tracer, argv0: str) -> AbstractContextManager[Span]:
    """A span ``sandbox {argv0}`` around one sandboxed process execution."""
    return _SpanScope(tracer, f"sandbox {argv0}", {PROCESS_EXECUTABLE_NAME: argv0})
