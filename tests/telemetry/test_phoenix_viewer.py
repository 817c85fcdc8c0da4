"""A real run's trace in a real Phoenix, started by ``tta-codegen trace open``,
checked through Phoenix's GraphQL API and in headless Chromium.

Needs Phoenix (``tta-codegen[phoenix]``, ``phoenix`` on the PATH, or
``TTA_CODEGEN_PHOENIX``); skips with the reason otherwise.
"""

from __future__ import annotations

import json
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.trace import SpanKind
from tests.browser import dom_and_screenshot
from tests.cli_runner import cli_command, cli_env
from tests.samples import BUGGY_CODE, GOOD_CODE, GOOD_TESTS, fenced

from tta_codegen.telemetry import llm_attributes
from tta_codegen.telemetry.genai import OPENINFERENCE_PROJECT_NAME
from tta_codegen.telemetry.phoenix import find_phoenix
from tta_codegen.testing import FakeOpenAIServer, Reply

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SPANS_QUERY = """
query {
  projects { edges { node { name spans(first: 500) { edges { node {
    name spanKind context { traceId spanId } attributes
  } } } } } }
}
"""


@dataclass(frozen=True)
class Viewer:
    """The Phoenix that ``trace open`` started for this module."""

    url: str
    state: Path


def _cli(
    *args: str | Path, state: Path, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cli_command(*args),
        env=cli_env({"XDG_STATE_HOME": str(state), **env}),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def viewer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Viewer]:
    if find_phoenix() is None:
        pytest.skip(
            "Phoenix is not installed (pip install 'tta-codegen[phoenix]', or set "
            "TTA_CODEGEN_PHOENIX to a venv with arize-phoenix)"
        )
    state = tmp_path_factory.mktemp("phoenix-state")
    port = str(_free_port())
    opened = _cli("trace", "open", "--port", port, "--env", state=state)
    assert opened.returncode == 0, opened.stderr
    url = f"http://127.0.0.1:{port}"
    try:
        assert opened.stdout == f"export OTEL_EXPORTER_OTLP_ENDPOINT={url}\n"
        assert "(started, pid" in opened.stderr
        again = _cli("trace", "open", "--port", port, state=state)
        assert again.returncode == 0 and "already running" in again.stdout
        yield Viewer(url, state)
    finally:
        closed = _cli("trace", "close", state=state)
    assert "stopped Phoenix" in closed.stdout, closed.stderr


def _spans(url: str, project: str, trace_id: str, want: int) -> list[dict[str, Any]]:
    """The trace's spans once Phoenix has ingested at least ``want`` of them."""
    deadline = time.monotonic() + 60
    found: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        reply = httpx.post(f"{url}/graphql", json={"query": SPANS_QUERY}, timeout=10)
        reply.raise_for_status()
        found = [
            edge["node"]
            for project_edge in reply.json()["data"]["projects"]["edges"]
            if project_edge["node"]["name"] == project
            for edge in project_edge["node"]["spans"]["edges"]
            if edge["node"]["context"]["traceId"] == trace_id
        ]
        if len(found) >= want:
            return found
        time.sleep(0.5)
    raise AssertionError(f"Phoenix has {len(found)} spans of {trace_id}")


def test_a_run_exported_to_phoenix_shows_its_spans(
    viewer: Viewer, fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    config_file.write_text(
        config_file.read_text() + "\n[telemetry]\ncapture_content = true\n"
    )
    fake_llm.script(
        Reply(content=fenced(BUGGY_CODE), cost_usd=0.0021),
        Reply(content=fenced(GOOD_CODE), cost_usd=0.0034),
        Reply(content=fenced(GOOD_TESTS), cost_usd=0.0017),
    )
    run = _cli(
        "--config", config_file, "generate", "Add two integers.",
        "--out", tmp_path / "calc.py", "--thread-id", "phoenix-demo", "--json",
        state=viewer.state, OTEL_EXPORTER_OTLP_ENDPOINT=viewer.url,
        OPENROUTER_API_KEY="sk-or-v1-test-secret-0123456789abcdef",
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    trace_id = json.loads(run.stdout)["trace_id"]

    spans = _spans(viewer.url, "tta-codegen", trace_id, want=10)
    names = [s["name"] for s in spans]
    for name in ("codegen.run", "node generate", "node validate", "node refine"):
        assert name in names
    assert "node generate_tests" in names and "node write_output" in names
    chats = [s for s in spans if s["name"].startswith("chat ")]
    assert len(chats) == 3
    for chat in chats:
        assert chat["spanKind"] == "llm"
        attributes = json.loads(chat["attributes"])
        assert attributes["llm"]["token_count"]["prompt"] > 0
        assert attributes["llm"]["model_name"] == chat["name"].removeprefix("chat ")
        assert attributes["tta"]["cost_usd"] > 0
        # content capture is on in this run: Phoenix shows what was asked and said
        assert attributes["llm"]["input_messages"]
        assert attributes["llm"]["output_messages"]
    assert "sk-or-v1-test-secret" not in json.dumps(spans)

    port = viewer.url.rsplit(":", 1)[1]
    shown = _cli("trace", "open", "phoenix-demo", "--port", port, state=viewer.state)
    link = f"{viewer.url}/redirects/traces/{trace_id}"
    assert link in shown.stdout
    # the page the printed link opens, as a user's browser shows it
    dom = dom_and_screenshot(
        link, tmp_path / "phoenix-trace.png", size=(1400, 900), budget_ms=20000
    )
    for name in ("codegen.run", "node generate", "node validate", "chat "):
        assert name in dom


def test_phoenix_shows_prompt_answer_tokens_from_our_attributes(
    viewer: Viewer,
) -> None:
    """The content attributes the LLM call span carries (with capture_content)
    become Phoenix's message panes."""
    provider = TracerProvider(
        resource=Resource({OPENINFERENCE_PROJECT_NAME: "attribute-contract"})
    )
    exporter = OTLPSpanExporter(endpoint=f"{viewer.url}/v1/traces")
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("contract")
    with tracer.start_as_current_span("chat m1", kind=SpanKind.CLIENT) as span:
        span.set_attributes(
            llm_attributes.request_attributes(
                provider="openrouter", model="m1", max_tokens=512, template="g@v1"
            )
        )
        span.set_attributes(
            llm_attributes.response_attributes(
                response_model="m1",
                finish_reason="stop",
                input_tokens=42,
                output_tokens=7,
            )
        )
        span.set_attributes(
            llm_attributes.prompt_attributes(
                [("system", "You write Python."), ("human", "Add two integers.")]
            )
        )
        span.set_attributes(
            llm_attributes.answer_attributes(
                "def add(a, b):\n    return a + b\n", "stop"
            )
        )
        span.set_attributes(llm_attributes.cost_attributes(0.0042))
        trace_id = format(span.get_span_context().trace_id, "032x")
    provider.shutdown()

    (chat,) = _spans(viewer.url, "attribute-contract", trace_id, want=1)
    assert chat["spanKind"] == "llm"
    llm = json.loads(chat["attributes"])["llm"]
    assert [m["message"]["role"] for m in llm["input_messages"]] == ["system", "user"]
    assert llm["input_messages"][1]["message"]["content"] == "Add two integers."
    (answer,) = llm["output_messages"]
    assert answer["message"]["role"] == "assistant"
    assert answer["message"]["content"].startswith("def add(a, b):")
    assert llm["token_count"] == {"prompt": 42, "completion": 7, "total": 49}
    assert llm["cost"]["total"] == pytest.approx(0.0042)
    assert json.loads(llm["invocation_parameters"]) == {"max_tokens": 512}
