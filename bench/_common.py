"""Shared pieces of the graph-level benchmarks: the machine, settings pointing at
the fake server, a scripted "model" for the happy path, and a bare-LangGraph floor.

Not a benchmark itself; imported by orchestration.py, concurrency.py,
first_token.py and cli_startup.py.
"""

from __future__ import annotations

import importlib.metadata
import multiprocessing
import os
import platform
import statistics
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypedDict

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from langchain_core.messages import HumanMessage, SystemMessage  # noqa: E402
from langchain_openai import ChatOpenAI  # noqa: E402
from langgraph.checkpoint.memory import InMemorySaver  # noqa: E402
from langgraph.graph import END, START, StateGraph  # noqa: E402
from langgraph.graph.state import CompiledStateGraph  # noqa: E402

from tta_codegen.settings import ProviderSettings, Settings  # noqa: E402
from tta_codegen.testing import FakeOpenAIServer, RecordedRequest, Reply  # noqa: E402

GOOD_CODE = '''"""Integer helpers."""


def add(a: int, b: int) -> int:
    """Return the sum of a and b."""
    return a + b
'''

GOOD_TESTS = """from calc import add


def test_add_small_numbers() -> None:
    assert add(1, 2) == 3


def test_add_negative() -> None:
    assert add(-4, 1) == -3
"""

TASK = "Add two integers."
SYSTEM = "You are a senior Python engineer."


def fenced(code: str) -> str:
    """A model-style answer: one fenced block between two lines of prose."""
    return f"Here is the module:\n\n```python\n{code}```\n\nDone."


def happy_path(
    delay_s: float = 0.0, chunk_delay_s: float = 0.0
) -> Any:  # a FakeOpenAIServer responder
    """Good code for generate, good tests for generate_tests: 2 LLM calls a run."""

    def respond(request: RecordedRequest) -> Reply:
        system = str(request.messages[0].get("content", "")) if request.messages else ""
        body = GOOD_TESTS if "pytest tests" in system else GOOD_CODE
        return Reply(
            content=fenced(body),
            delay_s=delay_s,
            chunk_delay_s=chunk_delay_s,
            cost_usd=0.0001,
        )

    return respond


def no_python(delay_s: float = 0.0) -> Any:  # a FakeOpenAIServer responder
    """Answers holding no Python: validate has nothing to gate (no sandbox), the
    run refines once and ends "failed" -- generate + refine, 2 LLM calls."""

    def respond(request: RecordedRequest) -> Reply:
        return Reply(content="I cannot help with that.", delay_s=delay_s)

    return respond


def floor_refine_graph(client: ChatOpenAI) -> CompiledStateGraph[Any, Any, Any, Any]:
    """The node sequence of a no-Python run (select_model, build_context, route,
    generate, validate, refine, validate, write_output) with its two streamed
    ChatOpenAI calls, nodes doing no work of their own."""

    async def ask(prompt: str) -> str:
        text = ""
        async for chunk in client.astream(
            [SystemMessage(SYSTEM), HumanMessage(prompt)]
        ):
            text += str(chunk.content)
        return text

    async def noop(state: FloorState) -> FloorState:
        return {}

    async def generate(state: FloorState) -> FloorState:
        return {"code": await ask(state["task"])}

    async def validate(state: FloorState) -> FloorState:
        return {"passed": False}

    async def refine(state: FloorState) -> FloorState:
        return {"code": await ask("fix:\n" + state["code"]), "tests": "done"}

    async def write_output(state: FloorState) -> FloorState:
        return {"status": "failed"}

    def after_validate(state: FloorState) -> str:
        return "write_output" if state.get("tests") else "refine"

    graph = StateGraph(FloorState)
    for name in ("select_model", "build_context", "route"):
        graph.add_node(name, noop)
    for node in (generate, validate, refine, write_output):
        graph.add_node(node.__name__, node)
    graph.add_edge(START, "select_model")
    graph.add_edge("select_model", "build_context")
    graph.add_edge("build_context", "route")
    graph.add_edge("route", "generate")
    graph.add_edge("generate", "validate")
    graph.add_conditional_edges("validate", after_validate, ["refine", "write_output"])
    graph.add_edge("refine", "validate")
    graph.add_edge("write_output", END)
    return graph.compile(checkpointer=InMemorySaver())


def settings_for(base_url: str, state_dir: Path, **extra: Any) -> Settings:
    """Our product against the fake server (as OpenRouter, so the built-in
    catalog and ranking run as shipped): memory:// checkpoints, a budget that
    never trips, cheap gates (their time is excluded anyway)."""
    values: dict[str, Any] = {
        "state_dir": state_dir,
        "providers": {
            "openrouter": ProviderSettings(base_url=base_url, api_key_required=False)
        },
        "checkpoints": {"url": "memory://"},
        "budget": {"max_cost_per_day_usd": "1000000", "max_cost_per_run_usd": None},
        "gates": {"mutation": False, "reruns": 0},
    }
    values.update(extra)
    return Settings(**values)


def chat_client(base_url: str) -> ChatOpenAI:
    """The client the floor uses: what our gateway builds, minus our layer."""
    return ChatOpenAI(
        model="m",
        base_url=base_url,
        api_key="x",  # type: ignore[arg-type]
        max_retries=0,
        stream_usage=True,
    )


class FloorState(TypedDict, total=False):
    """State of the bare graph."""

    task: str
    code: str
    tests: str
    passed: bool
    status: str


def floor_graph(client: ChatOpenAI) -> CompiledStateGraph[Any, Any, Any, Any]:
    """The same node sequence as our happy path (select_model, build_context,
    route, generate, validate, generate_tests, validate, write_output) with the
    same two streamed ChatOpenAI calls, and no work of ours in any node."""

    async def ask(prompt: str) -> str:
        text = ""
        async for chunk in client.astream(
            [SystemMessage(SYSTEM), HumanMessage(prompt)]
        ):
            text += str(chunk.content)
        return text

    async def select_model(state: FloorState) -> FloorState:
        return {}

    async def build_context(state: FloorState) -> FloorState:
        return {}

    async def route(state: FloorState) -> FloorState:
        return {}

    async def generate(state: FloorState) -> FloorState:
        return {"code": await ask(state["task"])}

    async def validate(state: FloorState) -> FloorState:
        return {"passed": True}

    async def generate_tests(state: FloorState) -> FloorState:
        return {"tests": await ask("pytest tests for:\n" + state["code"])}

    async def write_output(state: FloorState) -> FloorState:
        return {"status": "succeeded"}

    def after_validate(state: FloorState) -> str:
        return "write_output" if state.get("tests") else "generate_tests"

    graph = StateGraph(FloorState)
    for node in (
        select_model,
        build_context,
        route,
        generate,
        validate,
        generate_tests,
        write_output,
    ):
        graph.add_node(node.__name__, node)
    graph.add_edge(START, "select_model")
    graph.add_edge("select_model", "build_context")
    graph.add_edge("build_context", "route")
    graph.add_edge("route", "generate")
    graph.add_edge("generate", "validate")
    graph.add_conditional_edges(
        "validate", after_validate, ["generate_tests", "write_output"]
    )
    graph.add_edge("generate_tests", "validate")
    graph.add_edge("write_output", END)
    return graph.compile(checkpointer=InMemorySaver())


def machine() -> dict[str, object]:
    """What the figures were measured on."""
    mem_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass

    def version(name: str) -> str:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return "absent"

    return {
        "cpus": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "langgraph": version("langgraph"),
        "langchain_openai": version("langchain-openai"),
        "openai": version("openai"),
    }


def median_ms(seconds: list[float]) -> float:
    """Median of a list of seconds, in milliseconds."""
    return round(statistics.median(seconds) * 1000, 3)


def ratio(ours: float, floor: float) -> float:
    """ours / floor, rounded."""
    return round(ours / floor, 3) if floor else float("inf")


@contextmanager
def server_process(responder: Any) -> Iterator[str]:
    """A FakeOpenAIServer in a child process; yields its base URL.

    A real provider is another machine: serving from a thread of the measured
    process would make the client and the server fight over one GIL and turn
    every GIL hand-off into measured time.
    """
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_serve, args=(responder, child), daemon=True)
    proc.start()
    try:
        yield str(parent.recv())
    finally:
        parent.send("stop")
        proc.join(timeout=5)
        if proc.is_alive():
            proc.kill()


def _serve(responder: Any, conn: Any) -> None:
    # room for 100+ simultaneous connects (the stdlib default backlog is 5)
    ThreadingHTTPServer.request_queue_size = 1024
    with FakeOpenAIServer(responder=responder) as server:
        conn.send(server.base_url)
        conn.recv()
