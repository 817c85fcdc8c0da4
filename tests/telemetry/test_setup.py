"""setup_tracing: OTEL_* configuration and a real OTLP/HTTP export."""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from opentelemetry import trace
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)

from tta_codegen.errors import ConfigError
from tta_codegen.settings import Settings
from tta_codegen.telemetry.setup import setup_tracing
from tta_codegen.telemetry.spans import gate_span, node_span, run_span

SECRET = "sk-or-v1-" + "a1b2c3d4e5" * 6


class OtlpReceiver:
    """A loopback OTLP/HTTP traces endpoint that decodes what it receives."""

    def __init__(self) -> None:
        self.requests: list[ExportTraceServiceRequest] = []
        self.headers: list[dict[str, str]] = []
        self.paths: list[str] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                request = ExportTraceServiceRequest()
                request.ParseFromString(body)
                receiver.requests.append(request)
                receiver.headers.append(dict(self.headers))
                receiver.paths.append(self.path)
                reply = ExportTraceServiceResponse().SerializeToString()
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(
            target=self.server.serve_forever, args=(0.05,), daemon=True
        )

    def __enter__(self) -> OtlpReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def spans(self) -> list[tuple[str, dict[str, str]]]:
        """(service name, span name, string attributes) of every received span."""
        out = []
        for request in self.requests:
            for resource_spans in request.resource_spans:
                for scope_spans in resource_spans.scope_spans:
                    for span in scope_spans.spans:
                        attrs = {a.key: a.value.string_value for a in span.attributes}
                        events = [
                            a.value.string_value
                            for e in span.events
                            for a in e.attributes
                        ]
                        attrs["events"] = "|".join(events)
                        attrs["status"] = span.status.message
                        out.append((span.name, attrs))
        return out

    def service_names(self) -> set[str]:
        return {
            a.value.string_value
            for r in self.requests
            for a in r.resource_spans[0].resource.attributes
            if a.key == "service.name"
        }


@pytest.fixture
def receiver() -> Iterator[OtlpReceiver]:
    with OtlpReceiver() as server:
        yield server


def _settings(tmp_path: Path, local: bool = False) -> Settings:
    return Settings.load(state_dir=tmp_path / "state", telemetry={"local_spans": local})


@pytest.mark.integration
def test_otlp_http_export_to_loopback_receiver(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, receiver: OtlpReceiver
) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.url)
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_HEADERS", "x-tenant=team1")
    monkeypatch.setenv("OTEL_SERVICE_NAME", "codegen-ci")
    monkeypatch.setenv("OPENROUTER_API_KEY", SECRET)
    handle = setup_tracing(_settings(tmp_path, local=True))
    assert handle.exporters == ["local", "otlp-http"]
    tracer = handle.tracer()
    with (
        pytest.raises(PermissionError),
        run_span(tracer, thread_id="t-otlp", task="task"),
        node_span(tracer, "validate", iteration=0),
        gate_span(tracer, "pytest"),
    ):
        raise PermissionError(f"401 Unauthorized for key {SECRET}")
    handle.shutdown()

    spans = dict(receiver.spans())
    assert set(spans) == {"codegen.run", "node validate", "gate pytest"}
    assert spans["gate pytest"]["tta.thread_id"] == "t-otlp"
    assert "401 Unauthorized" in spans["gate pytest"]["status"]
    assert all(SECRET not in str(attrs) for attrs in spans.values())
    assert receiver.paths == ["/v1/traces"] * len(receiver.paths)
    assert receiver.headers[0].get("x-tenant") == "team1"
    assert receiver.service_names() == {"codegen-ci"}


@pytest.mark.integration
def test_no_otlp_export_without_endpoint(
    tmp_path: Path, receiver: OtlpReceiver
) -> None:
    handle = setup_tracing(_settings(tmp_path))
    with run_span(handle.tracer(), thread_id="t", task="x"):
        pass
    handle.shutdown()
    assert handle.exporters == []
    assert receiver.requests == []


@pytest.mark.integration
def test_sampler_and_service_name_defaults(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    handle = setup_tracing(_settings(tmp_path), service_name="svc")
    resource = handle.tracer_provider.resource
    assert resource.attributes["service.name"] == "svc"
    with run_span(handle.tracer(), thread_id="t", task="x") as span:
        assert span.is_recording()
    handle.shutdown()

    monkeypatch.setenv("OTEL_TRACES_SAMPLER", "always_off")
    monkeypatch.setenv("OTEL_RESOURCE_ATTRIBUTES", "service.name=from-env,team=a")
    handle = setup_tracing(_settings(tmp_path), service_name="svc")
    assert handle.tracer_provider.resource.attributes["service.name"] == "from-env"
    assert handle.tracer_provider.resource.attributes["team"] == "a"
    with run_span(handle.tracer(), thread_id="t", task="x") as span:
        assert not span.is_recording()
    handle.shutdown()


@pytest.mark.unit
def test_global_provider_is_left_alone(tmp_path: Path) -> None:
    before = trace.get_tracer_provider()
    handle = setup_tracing(_settings(tmp_path))
    assert trace.get_tracer_provider() is before
    handle.shutdown()


@pytest.mark.unit
def test_unknown_protocol_is_a_config_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json")
    with pytest.raises(ConfigError, match="http/protobuf, grpc"):
        setup_tracing(_settings(tmp_path))


@pytest.mark.unit
def test_grpc_without_the_extra_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    if importlib.util.find_spec("opentelemetry.exporter.otlp.proto.grpc"):
        pytest.skip("the grpc extra is installed")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "grpc")
    with pytest.raises(ConfigError, match=r"tta-codegen\[grpc\]"):
        setup_tracing(_settings(tmp_path))
