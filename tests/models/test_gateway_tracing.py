"""GenAI spans for every attempt; no keys or content unless asked."""

from __future__ import annotations

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from tta_codegen.models import ChatMessage, ModelGateway
from tta_codegen.telemetry import genai
from tta_codegen.testing import FakeOpenAIServer, Reply

from .conftest import RecordedSleep, SettingsFactory

pytestmark = pytest.mark.integration


async def test_one_client_span_per_attempt_with_genai_attributes(
    make_settings: SettingsFactory,
    fake_llm: FakeOpenAIServer,
    sleep: RecordedSleep,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    secret = "sk-or-v1-supersecretvalue"
    monkeypatch.setenv("FAKE_KEY", secret)
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    settings = make_settings(provider={"api_key_env": "FAKE_KEY"})
    fake_llm.script(Reply(status=400), model="m-a")
    fake_llm.script(
        Reply(
            content="SECRET-COMPLETION",
            prompt_tokens=12,
            completion_tokens=3,
            cost_usd=0.5,
        ),
        model="m-b",
    )
    async with ModelGateway.open(
        settings, tracer=provider.get_tracer("test"), sleep=sleep
    ) as gw:
        await gw.chat(
            [ChatMessage("user", "SECRET-PROMPT")],
            candidates=["m-a", "m-b"],
            node="generate",
            template="generate@1",
        )
    failed, ok = exporter.get_finished_spans()
    assert (failed.name, ok.name) == ("chat m-a", "chat m-b")
    assert ok.kind == SpanKind.CLIENT
    attrs = dict(ok.attributes or {})
    assert attrs[genai.GEN_AI_OPERATION_NAME] == "chat"
    assert attrs[genai.GEN_AI_PROVIDER_NAME] == "fake"
    assert attrs[genai.GEN_AI_REQUEST_MODEL] == "m-b"
    assert attrs[genai.GEN_AI_RESPONSE_MODEL] == "m-b"
    assert attrs[genai.GEN_AI_USAGE_INPUT_TOKENS] == 12
    assert attrs[genai.GEN_AI_USAGE_OUTPUT_TOKENS] == 3
    assert attrs[genai.GEN_AI_RESPONSE_FINISH_REASONS] == ("stop",)
    assert attrs[genai.TTA_COST_USD] == 0.5
    assert attrs[genai.TTA_TEMPLATE] == "generate@1"
    assert [e.name for e in ok.events] == ["tta.fallback"]
    assert not failed.status.is_ok
    dumped = repr(
        [(s.attributes, [e.attributes for e in s.events]) for s in (failed, ok)]
    )
    for forbidden in (secret, "SECRET-PROMPT", "SECRET-COMPLETION"):
        assert forbidden not in dumped
