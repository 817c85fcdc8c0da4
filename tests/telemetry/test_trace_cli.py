"""``tta-codegen trace show``: the span tree with durations, models, tokens, cost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from opentelemetry.trace import SpanKind, Tracer
from tests.cli_runner import invoke_cli
from typer.testing import CliRunner

from tta_codegen.cli.trace import app
from tta_codegen.settings import Settings
from tta_codegen.telemetry import genai
from tta_codegen.telemetry.setup import setup_tracing
from tta_codegen.telemetry.spans import (
    gate_span,
    node_span,
    run_span,
    sandbox_span,
    set_outcome,
)

pytestmark = pytest.mark.e2e


def _chat(tracer: Tracer, model: str, tokens: tuple[int, int], cost: float) -> None:
    with tracer.start_as_current_span(f"chat {model}", kind=SpanKind.CLIENT) as span:
        span.set_attribute(genai.GEN_AI_REQUEST_MODEL, model)
        span.set_attribute(genai.GEN_AI_RESPONSE_MODEL, model)
        span.set_attribute(genai.GEN_AI_USAGE_INPUT_TOKENS, tokens[0])
        span.set_attribute(genai.GEN_AI_USAGE_OUTPUT_TOKENS, tokens[1])
        span.set_attribute(genai.TTA_COST_USD, cost)


def _record_run(settings: Settings, thread_id: str) -> None:
    handle = setup_tracing(settings)
    tracer = handle.tracer()
    with run_span(tracer, thread_id=thread_id, task="add(a, b)"):
        with node_span(tracer, "generate", iteration=0):
            _chat(tracer, "model-a", (100, 40), 0.0012)
        with node_span(tracer, "validate", iteration=0) as node:
            with gate_span(tracer, "pytest"), sandbox_span(tracer, "python"):
                pass
            set_outcome(node, "failed")
        with node_span(tracer, "refine", iteration=1):
            _chat(tracer, "model-b", (150, 60), 0.0008)
    handle.shutdown()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.load(state_dir=tmp_path / "state")


def test_show_prints_the_tree_and_totals(settings: Settings) -> None:
    _record_run(settings, "run-1")
    result = CliRunner().invoke(app, ["show", "run-1"], obj=settings)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "thread run-1"
    text = result.output
    for expected in (
        "codegen.run",
        "node generate",
        "chat model-a",
        "tokens 100 in / 40 out",
        "$0.001200",
        "gate pytest",
        "sandbox python",
        "[failed]",
        "model-b",
    ):
        assert expected in text

    # children are indented under their parents
    def line_of(name: str) -> str:
        return next(line for line in lines if name in line)

    def depth(name: str) -> int:
        line = line_of(name)
        return len(line) - len(line.lstrip(" │├└─"))

    assert depth("codegen.run") < depth("node generate") < depth("chat model-a")
    assert depth("gate pytest") < depth("sandbox python")
    assert " ms" in line_of("chat model-a")
    assert "iter 1" in line_of("node refine")
    assert "iter" not in line_of("node generate")
    assert lines[-1].startswith(
        "total: 1 run(s), 8 spans, 2 LLM calls, tokens 250 in / 100 out, $0.002000"
    )


def test_show_json(settings: Settings) -> None:
    _record_run(settings, "run-2")
    result = CliRunner().invoke(app, ["show", "run-2", "--json"], obj=settings)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["thread_id"] == "run-2"
    assert len(data["trace_ids"]) == 1
    assert data["totals"]["input_tokens"] == 250
    assert data["totals"]["cost_usd"] == pytest.approx(0.002)
    chat = next(s for s in data["spans"] if s["name"] == "chat model-b")
    assert chat["model"] == "model-b" and chat["output_tokens"] == 60
    assert chat["duration_s"] >= 0


def test_unknown_thread_exits_2_with_an_error_and_a_hint(tmp_path: Path) -> None:
    config = tmp_path / "tta-codegen.toml"
    config.write_text(f'state_dir = "{tmp_path / "state"}"\n')
    result = invoke_cli("trace", "show", "nope", config=config)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"error[TTA100]: no spans recorded for thread 'nope' in "
        f"{tmp_path / 'state' / 'traces'}",
        "  hint: see `tta-codegen runs list`",
    ]


def test_settings_are_loaded_when_not_passed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    _record_run(Settings.load(), "run-3")  # state dir from XDG_STATE_HOME
    result = CliRunner().invoke(app, ["show", "run-3"])
    assert result.exit_code == 0, result.output
    assert "codegen.run" in result.output
