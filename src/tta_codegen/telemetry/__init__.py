"""Tracing: OpenTelemetry setup, GenAI span names, span helpers, redaction and
the local span store behind ``trace show``.

Library code uses only the OpenTelemetry API (``spans``); the SDK is configured
once at the entry point with ``setup_tracing``. Importing this package does not
import the SDK.
"""

from tta_codegen.telemetry.redact import redact
from tta_codegen.telemetry.setup import TracingHandle, setup_tracing
from tta_codegen.telemetry.spans import (
    gate_span,
    node_span,
    record_error,
    run_span,
    sandbox_span,
    set_outcome,
    span_ids,
)

__all__ = [
    "TracingHandle",
    "gate_span",
    "node_span",
    "record_error",
    "redact",
    "run_span",
    "sandbox_span",
    "set_outcome",
    "setup_tracing",
    "span_ids",
]
