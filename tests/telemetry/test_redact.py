"""Secrets never reach a span: not in attributes, events, links or statuses."""

from __future__ import annotations

import json

import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
    InMemorySpanExporter,
)
from opentelemetry.trace import Tracer

from tta_codegen.telemetry.redact import REDACTED, redact
from tta_codegen.telemetry.spans import gate_span, node_span, run_span

pytestmark = pytest.mark.unit

OPENROUTER_KEY = "sk-or-v1-" + "0f3a9c" * 10
OPENAI_KEY = "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8t"
ENV_ONLY_KEY = "plain-lowercase-value-from-env"  # no pattern would catch it
RANDOM_TOKEN = "Zx9Qw2Lk7Vb4Nm1Pp8Rt3Ys6Uh0Jc5GdFeAaBbTq"
BEARER = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (f"api_key={OPENAI_KEY}", OPENAI_KEY),
        (f"calling with {OPENROUTER_KEY} failed", OPENROUTER_KEY),
        (f"Authorization: Bearer {BEARER}", BEARER),
        ("{'authorization': 'Basic dXNlcjpwYXNzd29yZA=='}", "dXNlcjpwYXNzd29yZA=="),
        ('{"x-api-key": "abcd1234efgh"}', "abcd1234efgh"),
        ("redis://:hunter2hunter2@cache:6379/0 refused", "hunter2hunter2"),
        (f"token {RANDOM_TOKEN} rejected", RANDOM_TOKEN),
        (f"env value {ENV_ONLY_KEY} leaked", ENV_ONLY_KEY),
    ],
)
def test_redact_removes_secrets(
    monkeypatch: pytest.MonkeyPatch, text: str, secret: str
) -> None:
    monkeypatch.setenv("OPENROUTER_API_KEY", ENV_ONLY_KEY)
    cleaned = redact(text)
    assert secret not in cleaned
    assert REDACTED in cleaned


@pytest.mark.parametrize(
    "text",
    [
        "4bf92f3577b34da6a3ce929d0e0e4736",  # a trace id
        "3f2b8c1e-9a4d-4f6b-8e2a-1c5d7f9b0a3e",  # a uuid thread id
        "/home/dev/project/src/tta_codegen/nodes/generate_tests_module.py",
        "test_generate_returns_valid_code_for_simple_task",
        "deepseek/deepseek-chat-v3.1:free",
        "E501 line too long (92 > 88)",
    ],
)
def test_redact_keeps_ordinary_text(text: str) -> None:
    assert redact(text) == text


def _everything(spans: tuple[ReadableSpan, ...]) -> str:
    dump = []
    for span in spans:
        dump.append(span.name)
        dump.append(json.dumps(dict(span.attributes or {}), default=str))
        dump.append(span.status.description or "")
        for event in span.events:
            dump.append(json.dumps(dict(event.attributes or {}), default=str))
        for link in span.links:
            dump.append(json.dumps(dict(link.attributes or {}), default=str))
    return "\n".join(dump)


def test_no_secret_in_any_exported_attribute_event_or_status(
    monkeypatch: pytest.MonkeyPatch,
    tracer: Tracer,
    span_exporter: InMemorySpanExporter,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", ENV_ONLY_KEY)
    with (
        pytest.raises(ConnectionError),
        run_span(tracer, thread_id="t1", task=f"use key {OPENAI_KEY}") as root,
    ):
        root.set_attribute("http.request.header.authorization", f"Bearer {BEARER}")
        root.set_attribute("tta.args", [f"--key={OPENROUTER_KEY}", "ok"])
        with gate_span(tracer, "pytest") as gate:
            gate.add_event(
                "fallback", {"error": f"401 for key {ENV_ONLY_KEY}", "attempt": 2}
            )
        with node_span(tracer, "generate", iteration=0):
            raise ConnectionError(
                f"POST failed; headers={{'Authorization': 'Bearer {BEARER}'}} "
                f"key={OPENROUTER_KEY} env={ENV_ONLY_KEY} tok {RANDOM_TOKEN}"
            )

    spans = span_exporter.get_finished_spans()
    assert {s.name for s in spans} == {"codegen.run", "gate pytest", "node generate"}
    dump = _everything(spans)
    for secret in (OPENAI_KEY, OPENROUTER_KEY, ENV_ONLY_KEY, BEARER, RANDOM_TOKEN):
        assert secret not in dump
    # the error is still useful after scrubbing
    node = next(s for s in spans if s.name == "node generate")
    assert "ConnectionError: POST failed" in (node.status.description or "")
    assert any(e.name == "exception" for e in node.events)
    gate_event = next(s for s in spans if s.name == "gate pytest").events[0]
    assert gate_event.attributes is not None
    assert gate_event.attributes["attempt"] == 2


def test_spans_from_raw_api_calls_are_scrubbed_at_export(
    monkeypatch: pytest.MonkeyPatch,
    tracer: Tracer,
    span_exporter: InMemorySpanExporter,
) -> None:
    """Spans made without our helpers (e.g. the LLM span) are scrubbed too."""
    monkeypatch.setenv("OPENROUTER_API_KEY", ENV_ONLY_KEY)
    with tracer.start_as_current_span("chat some-model") as span:
        span.record_exception(RuntimeError(f"bad key {ENV_ONLY_KEY}"))
        span.set_attribute("gen_ai.prompt", f"my key is {OPENAI_KEY}")
    dump = _everything(span_exporter.get_finished_spans())
    assert ENV_ONLY_KEY not in dump
    assert OPENAI_KEY not in dump
    assert "RuntimeError" in dump
