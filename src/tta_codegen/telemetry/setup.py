"""The one place the OpenTelemetry SDK is configured (CLI or API entry point).

Honours the standard variables: ``OTEL_SERVICE_NAME``,
``OTEL_RESOURCE_ATTRIBUTES``, ``OTEL_TRACES_SAMPLER`` (+ ``_ARG``),
``OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT``, ``_PROTOCOL`` (``http/protobuf``, the
default, or ``grpc`` with the ``tta-codegen[grpc]`` extra), ``_HEADERS`` and
``OTEL_TRACES_EXPORTER=none``. Spans are exported over OTLP only when an
endpoint is set, and kept locally for ``trace show`` when
``telemetry.local_spans`` is on. Every exported span is scrubbed of secrets.
The SDK and exporters are imported here, lazily, never by library code.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tta_codegen.errors import ConfigError

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SpanExporter
    from opentelemetry.trace import Tracer

    from tta_codegen.settings import Settings

__all__ = ["TracingHandle", "otlp_endpoint", "otlp_protocol", "setup_tracing"]

DEFAULT_TRACER_NAME = "tta_codegen"
_PROTOCOLS = ("http/protobuf", "grpc")
_QUEUE_SIZE = 8192
"""Spans buffered per exporter before the oldest are dropped (SDK default 2048)."""


@dataclass
class TracingHandle:
    """The configured SDK provider; call ``shutdown()`` before the process exits."""

    tracer_provider: TracerProvider
    """The SDK provider; pass it (or ``tracer()``) to the code that makes spans."""
    capture_content: bool = False
    """Whether prompts and completions may be recorded on spans (opt-in)."""
    exporters: list[str] = field(default_factory=list)
    """What receives spans: ``otlp-http``, ``otlp-grpc``, ``local``."""

    def tracer(self, name: str = DEFAULT_TRACER_NAME) -> Tracer:
        """A tracer from this provider."""
        return self.tracer_provider.get_tracer(name)

    def force_flush(self, timeout_millis: int = 10_000) -> bool:
        """Export every finished span now; False if it timed out."""
        return self.tracer_provider.force_flush(timeout_millis)

    def shutdown(self) -> None:
        """Flush and stop the exporters (idempotent)."""
        self.tracer_provider.shutdown()

    def __enter__(self) -> TracingHandle:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.shutdown()


def otlp_endpoint() -> str | None:
    """The OTLP traces endpoint from the environment, or None (no export)."""
    if os.environ.get("OTEL_TRACES_EXPORTER", "").strip().lower() == "none":
        return None
    for name in ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"):
        value = os.environ.get(name, "").strip()
        if value:
            return value
    return None


def otlp_protocol() -> str:
    """``http/protobuf`` (default) or ``grpc``; ConfigError for anything else."""
    protocol = ""
    for name in ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"):
        protocol = os.environ.get(name, "").strip().lower()
        if protocol:
            break
    protocol = protocol or "http/protobuf"
    if protocol not in _PROTOCOLS:
        raise ConfigError(
            f"unsupported OTLP protocol {protocol!r}; use one of: "
            + ", ".join(_PROTOCOLS)
        )
    return protocol


def _otlp_exporter(protocol: str) -> SpanExporter:
    if protocol == "grpc":
        try:
            module = importlib.import_module(
                "opentelemetry.exporter.otlp.proto.grpc.trace_exporter"
            )
        except ImportError:
            raise ConfigError(
                "OTLP protocol 'grpc' needs the grpc extra",
                hint="pip install 'tta-codegen[grpc]' or use http/protobuf",
            ) from None
        exporter: SpanExporter = module.OTLPSpanExporter()
        return exporter
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import (
        OTLPSpanExporter as HttpExporter,
    )

    # The exporter reads the endpoint (adding /v1/traces to the base URL),
    # headers, timeout, compression and certificates from OTEL_* itself.
    return HttpExporter()


def setup_tracing(
    settings: Settings,
    *,
    service_name: str = "tta-codegen",
    install_global: bool = False,
) -> TracingHandle:
    """Build an SDK TracerProvider from ``settings`` and the ``OTEL_*`` variables.

    ``service_name`` applies unless ``OTEL_SERVICE_NAME`` or
    ``OTEL_RESOURCE_ATTRIBUTES`` name the service. The global provider is left
    alone unless ``install_global``. Raises ConfigError for an unusable OTLP setup.
    """
    from opentelemetry import trace
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    from tta_codegen.telemetry.genai import OPENINFERENCE_PROJECT_NAME
    from tta_codegen.telemetry.local_store import LocalSpanExporter, ThreadIdPropagator
    from tta_codegen.telemetry.redacting_exporter import RedactingSpanExporter

    endpoint = otlp_endpoint()
    protocol = otlp_protocol() if endpoint else "http/protobuf"

    resource = Resource.create()
    if str(resource.attributes.get(SERVICE_NAME, "")).startswith("unknown_service"):
        resource = resource.merge(Resource({SERVICE_NAME: service_name}))
    if OPENINFERENCE_PROJECT_NAME not in resource.attributes:
        # Phoenix files traces under this project (else under "default")
        project = str(resource.attributes.get(SERVICE_NAME, service_name))
        resource = resource.merge(Resource({OPENINFERENCE_PROJECT_NAME: project}))
    # sampler=None: the SDK reads OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(ThreadIdPropagator())
    exporters: list[str] = []
    if settings.telemetry.local_spans:
        local = LocalSpanExporter(settings.state_dir)
        provider.add_span_processor(
            BatchSpanProcessor(
                RedactingSpanExporter(local),
                schedule_delay_millis=500,
                max_queue_size=_QUEUE_SIZE,
            )
        )
        exporters.append("local")
    if endpoint:
        otlp = _otlp_exporter(protocol)
        provider.add_span_processor(
            BatchSpanProcessor(RedactingSpanExporter(otlp), max_queue_size=_QUEUE_SIZE)
        )
        exporters.append("otlp-grpc" if protocol == "grpc" else "otlp-http")
    if install_global:
        trace.set_tracer_provider(provider)
    return TracingHandle(
        tracer_provider=provider,
        capture_content=settings.telemetry.capture_content,
        exporters=exporters,
    )
