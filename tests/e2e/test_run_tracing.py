"""A run's trace: one root, a span per node execution, continued on resume."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from tests.cli_runner import run_cli
from tests.samples import BUGGY_CODE, GOOD_CODE, GOOD_TESTS, fenced

from tta_codegen import Codegen, CodegenRequest, Settings
from tta_codegen.api import generate, resume
from tta_codegen.testing import FakeOpenAIServer, Reply

pytestmark = pytest.mark.e2e

SECRET = "sk-or-v1-test-secret-0123456789abcdef"


@pytest.fixture
def spans() -> tuple[TracerProvider, InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider, exporter


async def test_one_trace_per_run_with_a_span_per_node(
    fake_llm: FakeOpenAIServer,
    config_file: Path,
    tmp_path: Path,
    spans: tuple[TracerProvider, InMemorySpanExporter],
) -> None:
    provider, exporter = spans
    fake_llm.script(fenced(BUGGY_CODE), fenced(GOOD_CODE), fenced(GOOD_TESTS))
    result = await generate(
        CodegenRequest(task="Add two integers.", module_name="calc"),
        settings=Settings.load(config_file),
        tracer=provider.get_tracer("t"),
    )
    finished = exporter.get_finished_spans()
    roots = [s for s in finished if s.name == "codegen.run"]
    assert len(roots) == 1
    root = roots[0]
    assert result.trace_id == format(root.context.trace_id, "032x")
    assert {s.context.trace_id for s in finished} == {root.context.trace_id}
    nodes = [s for s in finished if s.name.startswith("node ")]
    assert [s.name for s in sorted(nodes, key=lambda s: s.start_time or 0)] == [
        "node select_model",
        "node build_context",
        "node route",
        "node generate",
        "node validate",
        "node refine",
        "node validate",
        "node generate_tests",
        "node validate",
        "node write_output",
    ]
    assert all(
        s.parent is not None and s.parent.span_id == root.context.span_id for s in nodes
    )
    gates = [s for s in finished if s.name.startswith("gate ")]
    assert {s.name for s in gates} >= {"gate ruff", "gate mypy", "gate bandit"}
    sandboxes = [s for s in finished if s.name == "sandbox pytest"]
    assert len(sandboxes) == 3  # one sandboxed run per validate pass
    validate_ids = {s.context.span_id for s in nodes if s.name == "node validate"}
    assert all(s.parent and s.parent.span_id in validate_ids for s in gates + sandboxes)
    route = next(s for s in nodes if s.name == "node route")
    assert route.attributes is not None
    assert route.attributes["tta.route"] == "direct"
    assert "simple" in str(route.attributes["tta.route_reason"])
    validates = [s for s in nodes if s.name == "node validate"]
    assert [s.attributes["tta.iteration"] for s in validates] == [0, 1, 1]
    for span in finished:
        text = json.dumps(
            {
                **dict(span.attributes or {}),
                "events": [dict(e.attributes or {}) for e in span.events],
            },
            default=str,
        )
        assert SECRET not in text


async def test_a_resumed_run_continues_the_same_trace(
    fake_llm: FakeOpenAIServer,
    config_file: Path,
    spans: tuple[TracerProvider, InMemorySpanExporter],
) -> None:
    provider, exporter = spans
    tracer = provider.get_tracer("t")
    settings = Settings.load(config_file)
    fake_llm.script(
        fenced(GOOD_CODE),
        Reply(content=fenced(GOOD_TESTS), delay_s=30),
        fenced(GOOD_TESTS),
    )

    async def first() -> None:
        async with Codegen.open(settings, tracer=tracer) as session:
            await session.run(
                CodegenRequest(task="Add.", module_name="calc"), thread_id="traced"
            )

    task = asyncio.create_task(first())
    while len(fake_llm.calls()) < 2:
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    result = await resume("traced", settings=settings, tracer=tracer)

    roots = [s for s in exporter.get_finished_spans() if s.name == "codegen.run"]
    assert len(roots) == 2
    first_root, resumed_root = sorted(roots, key=lambda s: s.start_time or 0)
    assert resumed_root.context.trace_id == first_root.context.trace_id
    assert resumed_root.parent is not None
    assert resumed_root.parent.span_id == first_root.context.span_id
    assert [link.context.span_id for link in resumed_root.links] == [
        first_root.context.span_id
    ]
    assert result.trace_id == format(first_root.context.trace_id, "032x")


def test_trace_show_prints_the_span_tree_of_a_cli_run(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    fake_llm.script(fenced(GOOD_CODE), fenced(GOOD_TESTS))
    proc = run_cli(
        "generate",
        "Add two integers.",
        "--out",
        tmp_path / "calc.py",
        "--thread-id",
        "shown",
        "--quiet",
        config=config_file,
    )
    assert proc.returncode == 0, proc.stderr
    shown = run_cli("trace", "show", "shown", config=config_file)
    assert shown.returncode == 0, shown.stderr
    for name in (
        "codegen.run",
        "node generate",
        "node validate",
        "node generate_tests",
        "node write_output",
    ):
        assert name in shown.stdout
