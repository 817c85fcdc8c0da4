"""Orchestration overhead per run: the whole tta-codegen graph vs bare LangGraph.

Ours: ``Codegen.open(settings)`` + ``session.events(request)`` (memory://
checkpointer, the fake server at 0 ms latency, the happy path: generate ->
validate -> generate_tests -> validate -> write_output, 2 streamed LLM calls).
Gates are excluded by subtraction: every run's ``NodeFinished("validate")``
seconds (the whole validate node, as timed by the graph's own instrumentation)
are taken off that run's wall time. Nothing of ours is mocked.

Floor: a bare LangGraph graph (InMemorySaver, durability="sync") with the same
node sequence making the same two streamed ChatOpenAI calls against the same
server, nodes doing no work of their own.

Runs alternate (ours, floor, ours, ...) so machine noise hits both alike.

Second figure, nothing subtracted: runs whose answers hold no Python, so the
validate node has nothing to gate (generate -> validate -> refine -> validate
-> write_output, 2 LLM calls) vs the bare graph of the same sequence. It shows
what the orchestration costs when no sandbox or type checker ran just before
(subprocesses and their cache and GC aftermath slow the next nodes down).

Run: PYTHONPATH=src /work/venv/bin/python bench/orchestration.py [--runs N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    TASK,
    chat_client,
    floor_graph,
    floor_refine_graph,
    happy_path,
    machine,
    median_ms,
    no_python,
    ratio,
    server_process,
    settings_for,
)
from tta_codegen import Codegen, CodegenRequest  # noqa: E402
from tta_codegen.events import NodeFinished, RunFinished  # noqa: E402

WARMUP = 3
TARGET = 1.3


async def _ours(session: Codegen) -> tuple[float, float, int]:
    """One run: (wall seconds, validate seconds, LLM calls)."""
    request = CodegenRequest(task=TASK, module_name="calc")
    validate_s = 0.0
    calls = 0
    started = time.perf_counter()
    async for event in session.events(request):
        if isinstance(event, NodeFinished) and event.node == "validate":
            validate_s += event.seconds
        if isinstance(event, RunFinished):
            assert event.result.status == "succeeded", event.result.error
            calls = len(event.result.calls)
    return time.perf_counter() - started, validate_s, calls


async def _no_gates(runs: int, tmp: Path) -> dict[str, object]:
    ours_s: list[float] = []
    floor_s: list[float] = []
    with server_process(no_python()) as base_url:
        floor = floor_refine_graph(chat_client(base_url))
        async with Codegen.open(settings_for(base_url, tmp)) as session:
            for i in range(runs + WARMUP):
                request = CodegenRequest(
                    task=TASK, module_name="calc", max_iterations=1
                )
                t0 = time.perf_counter()
                result = await session.run(request)
                t1 = time.perf_counter()
                await floor.ainvoke(
                    {"task": TASK},
                    {"configurable": {"thread_id": f"nog-{i}"}},
                    durability="sync",
                )
                t2 = time.perf_counter()
                assert len(result.calls) == 2
                if i >= WARMUP:
                    ours_s.append(t1 - t0)
                    floor_s.append(t2 - t1)
    ours, base = median_ms(ours_s), median_ms(floor_s)
    return {
        "ours_ms_per_run": ours,
        "floor_ms_per_run": base,
        "overhead_ms_per_run": round(ours - base, 3),
        "ratio": ratio(ours, base),
    }


async def measure(runs: int) -> dict[str, object]:
    ours_s: list[float] = []
    floor_s: list[float] = []
    validate_s: list[float] = []
    with (
        server_process(happy_path()) as base_url,
        tempfile.TemporaryDirectory() as tmp,
    ):
        floor = floor_graph(chat_client(base_url))
        async with Codegen.open(settings_for(base_url, Path(tmp))) as session:
            calls = 0
            for i in range(runs + WARMUP):
                wall, gates, calls = await _ours(session)
                t0 = time.perf_counter()
                out = await floor.ainvoke(
                    {"task": TASK},
                    {"configurable": {"thread_id": f"floor-{i}"}},
                    durability="sync",
                )
                t1 = time.perf_counter()
                assert out["status"] == "succeeded"
                assert len(out["code"]) > 0 and len(out["tests"]) > 0
                if i >= WARMUP:
                    ours_s.append(wall - gates)
                    validate_s.append(gates)
                    floor_s.append(t1 - t0)
        no_gates = await _no_gates(runs, Path(tmp) / "no-gates")
    ours, base = median_ms(ours_s), median_ms(floor_s)
    return {
        "benchmark": "orchestration",
        "runs": runs,
        "llm_calls_per_run": {"ours": calls, "floor": 2},
        "ours_ms_per_run_excluding_validate": ours,
        "floor_ms_per_run": base,
        "overhead_ms_per_run": round(ours - base, 3),
        "validate_ms_per_run_excluded": median_ms(validate_s),
        "ratio": ratio(ours, base),
        "target_ratio": TARGET,
        "target_met": ratio(ours, base) <= TARGET,
        "no_python_path_no_gates": no_gates,
        "machine": machine(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(measure(args.runs)), indent=2))


if __name__ == "__main__":
    main()
