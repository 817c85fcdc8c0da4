"""The LLM call attributes Jaeger and Phoenix read, and the Phoenix project."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tta_codegen.settings import Settings
from tta_codegen.telemetry import setup_tracing
from tta_codegen.telemetry.llm_attributes import (
    answer_attributes,
    cost_attributes,
    prompt_attributes,
    request_attributes,
    response_attributes,
)

pytestmark = [pytest.mark.unit]


def test_request_and_response_attributes() -> None:
    assert request_attributes(
        provider="openrouter",
        model="m",
        max_tokens=100,
        temperature=0.2,
        template="t@1",
    ) == {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openrouter",
        "gen_ai.request.model": "m",
        "gen_ai.request.max_tokens": 100,
        "gen_ai.request.temperature": 0.2,
        "tta.template": "t@1",
    }
    assert "gen_ai.request.temperature" not in request_attributes(
        provider="p", model="m"
    )
    assert response_attributes(
        response_model="m-2025", finish_reason="length", input_tokens=5, output_tokens=9
    ) == {
        "gen_ai.response.finish_reasons": ["length"],
        "gen_ai.response.model": "m-2025",
        "gen_ai.usage.input_tokens": 5,
        "gen_ai.usage.output_tokens": 9,
    }
    unknown = response_attributes(
        response_model=None, finish_reason=None, input_tokens=None, output_tokens=None
    )
    assert unknown == {"gen_ai.response.finish_reasons": [""]}


def test_content_follows_the_genai_message_shape() -> None:
    attributes = prompt_attributes(
        [("system", "Be brief."), ("human", "Add."), ("ai", "No."), ("user", "Add!")]
    ) | answer_attributes("def add(a, b): ...", "length")
    assert json.loads(attributes["gen_ai.system_instructions"]) == [
        {"type": "text", "content": "Be brief."}
    ]
    history = json.loads(attributes["gen_ai.input.messages"])
    assert [m["role"] for m in history] == ["user", "assistant", "user"]
    assert history[0]["parts"] == [{"type": "text", "content": "Add."}]
    (answer,) = json.loads(attributes["gen_ai.output.messages"])
    assert answer == {
        "role": "assistant",
        "parts": [{"type": "text", "content": "def add(a, b): ..."}],
        "finish_reason": "length",
    }
    no_system = prompt_attributes([("user", "é")])
    assert "gen_ai.system_instructions" not in no_system
    assert "é" in no_system["gen_ai.input.messages"]  # readable, not \\u escapes


def test_cost_under_both_names() -> None:
    from decimal import Decimal

    assert cost_attributes(Decimal("0.0042")) == {
        "tta.cost_usd": 0.0042,
        "llm.cost.total": 0.0042,
    }


def test_traces_go_to_a_phoenix_project_named_after_the_service(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings.load(state_dir=tmp_path, telemetry={"local_spans": False})
    with setup_tracing(settings, service_name="svc") as handle:
        attributes = handle.tracer_provider.resource.attributes
        assert attributes["openinference.project.name"] == "svc"
    monkeypatch.setenv("OTEL_RESOURCE_ATTRIBUTES", "openinference.project.name=team-a")
    with setup_tracing(settings) as handle:
        attributes = handle.tracer_provider.resource.attributes
        assert attributes["openinference.project.name"] == "team-a"
        assert attributes["service.name"] == "tta-codegen"
