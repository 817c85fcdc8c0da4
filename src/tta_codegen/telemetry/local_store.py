"""Each run's spans on disk, one small JSON-lines file per thread.

``LocalSpanExporter`` appends every finished span to
``<state_dir>/traces/<thread>.jsonl``, grouped by the ``tta.thread_id``
attribute. The run root span carries it; ``ThreadIdPropagator`` copies it from
parent to child when a span starts, so node, gate, sandbox and LLM spans land in
the same file. ``load_trace`` reads a thread's spans back for ``trace show``.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

from tta_codegen.telemetry.genai import TTA_THREAD_ID

__all__ = [
    "LocalSpanExporter",
    "SpanEventRecord",
    "SpanRecord",
    "ThreadIdPropagator",
    "load_trace",
    "span_json",
    "trace_path",
]

MAX_STRING_CHARS = 2000
"""Longer attribute strings are cut, so span files stay small."""
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")

JsonAttrs = dict[str, str | bool | int | float | list[str | bool | int | float]]


@dataclass(frozen=True, slots=True)
class SpanEventRecord:
    """An event recorded on a span (exception, fallback attempt, ...)."""

    name: str
    """Event name."""
    time_ns: int
    """When it happened, ns since the epoch."""
    attributes: JsonAttrs = field(default_factory=dict)
    """Event attributes."""


@dataclass(frozen=True, slots=True)
class SpanRecord:
    """One finished span as stored on disk."""

    name: str
    """Span name, e.g. ``codegen.run``, ``node generate``, ``chat {model}``."""
    trace_id: str
    """32 hex digits."""
    span_id: str
    """16 hex digits."""
    parent_span_id: str | None
    """The parent's span id, None for a trace root."""
    kind: str
    """INTERNAL, CLIENT, ..."""
    start_ns: int
    """Start time, ns since the epoch."""
    end_ns: int
    """End time, ns since the epoch."""
    status: str
    """UNSET, OK or ERROR."""
    status_description: str | None = None
    """Error description (already scrubbed)."""
    attributes: JsonAttrs = field(default_factory=dict)
    """Span attributes (already scrubbed)."""
    events: list[SpanEventRecord] = field(default_factory=list)
    """Span events."""

    @property
    def duration_s(self) -> float:
        """Wall time of the span in seconds."""
        return max(0, self.end_ns - self.start_ns) / 1e9

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (the on-disk line)."""
        data: dict[str, Any] = {
            "name": self.name,
            "trace_id": self.trace_id,
            "span_id": self.span_id,
            "parent_span_id": self.parent_span_id,
            "kind": self.kind,
            "start_ns": self.start_ns,
            "end_ns": self.end_ns,
            "status": self.status,
            "status_description": self.status_description,
            "attributes": self.attributes,
            "events": [
                {"name": e.name, "time_ns": e.time_ns, "attributes": e.attributes}
                for e in self.events
            ],
        }
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SpanRecord:
        """The inverse of ``to_json``."""
        return cls(
            name=data["name"],
            trace_id=data["trace_id"],
            span_id=data["span_id"],
            parent_span_id=data.get("parent_span_id"),
            kind=data.get("kind", "INTERNAL"),
            start_ns=int(data["start_ns"]),
            end_ns=int(data["end_ns"]),
            status=data.get("status", "UNSET"),
            status_description=data.get("status_description"),
            attributes=dict(data.get("attributes") or {}),
            events=[
                SpanEventRecord(e["name"], int(e["time_ns"]), dict(e["attributes"]))
                for e in data.get("events") or []
            ],
        )


def trace_path(state_dir: Path, thread_id: str) -> Path:
    """``<state_dir>/traces/<thread>.jsonl``; unusual ids are hashed to a safe name."""
    if _SAFE_NAME.match(thread_id):
        name = thread_id
    else:
        name = "t-" + hashlib.sha256(thread_id.encode()).hexdigest()[:32]
    return state_dir / "traces" / f"{name}.jsonl"


def load_trace(state_dir: Path, thread_id: str) -> list[SpanRecord]:
    """Every stored span of ``thread_id``, oldest start first; [] when none."""
    path = trace_path(state_dir, thread_id)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    records = []
    for line in lines:
        try:
            records.append(SpanRecord.from_json(json.loads(line)))
        except (ValueError, KeyError, TypeError):
            continue  # a torn last line after a crash
    records.sort(key=lambda r: r.start_ns)
    return records


def _json_value(value: object) -> Any:
    if isinstance(value, str):
        return value[:MAX_STRING_CHARS]
    if isinstance(value, bool | int | float) or value is None:
        return value
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if isinstance(value, Mapping):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, Sequence):
        return [_json_value(v) for v in value]
    return str(value)[:MAX_STRING_CHARS]


def _json_attrs(attributes: Any) -> JsonAttrs:
    if not attributes:
        return {}
    return {
        str(k): v if isinstance(v, int | float) else _json_value(v)
        for k, v in attributes.items()
    }


def span_json(span: ReadableSpan) -> dict[str, Any]:
    """The on-disk form of a finished SDK span (the shape ``SpanRecord.to_json``
    produces), built directly: this runs for every exported span."""
    ctx = span.context
    assert ctx is not None  # finished SDK spans always have one
    parent = span.parent
    return {
        "name": span.name,
        "trace_id": format(ctx.trace_id, "032x"),
        "span_id": format(ctx.span_id, "016x"),
        "parent_span_id": format(parent.span_id, "016x") if parent else None,
        "kind": span.kind.name,
        "start_ns": span.start_time or 0,
        "end_ns": span.end_time or 0,
        "status": span.status.status_code.name,
        "status_description": span.status.description,
        "attributes": _json_attrs(span.attributes),
        "events": [
            {
                "name": e.name,
                "time_ns": e.timestamp,
                "attributes": _json_attrs(e.attributes),
            }
            for e in span.events
        ],
    }


class LocalSpanExporter(SpanExporter):
    """Appends spans to ``<state_dir>/traces/<thread>.jsonl``; spans without a
    thread id are not kept."""

    def __init__(self, state_dir: Path) -> None:
        self._state_dir = state_dir
        self._lock = threading.Lock()

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        """Group ``spans`` by thread and append one batch per file."""
        by_thread: dict[str, list[str]] = defaultdict(list)
        for span in spans:
            thread_id = (span.attributes or {}).get(TTA_THREAD_ID)
            if isinstance(thread_id, str) and thread_id:
                by_thread[thread_id].append(
                    json.dumps(span_json(span), separators=(",", ":"))
                )
        try:
            with self._lock:
                for thread_id, lines in by_thread.items():
                    path = trace_path(self._state_dir, thread_id)
                    path.parent.mkdir(parents=True, exist_ok=True)
                    with path.open("a", encoding="utf-8") as handle:
                        handle.write("\n".join(lines) + "\n")
        except OSError:
            return SpanExportResult.FAILURE
        return SpanExportResult.SUCCESS

    def shutdown(self) -> None:
        """Nothing to release."""

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        """Writes are synchronous; nothing to flush."""
        return True


class ThreadIdPropagator(SpanProcessor):
    """Copies ``tta.thread_id`` from the parent span to each new child span."""

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        """Inherit the parent's thread id unless the span sets its own."""
        if span.attributes and TTA_THREAD_ID in span.attributes:
            return
        parent = trace.get_current_span(parent_context)
        attributes = getattr(parent, "attributes", None)
        if attributes:
            thread_id = attributes.get(TTA_THREAD_ID)
            if thread_id is not None:
                span.set_attribute(TTA_THREAD_ID, thread_id)

    def on_end(self, span: ReadableSpan) -> None:
        """Nothing to do."""

    def shutdown(self) -> None:
        """Nothing to release."""

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        """Nothing to flush."""
        return True
