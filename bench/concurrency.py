"""1, 10 and 100 concurrent runs at 500 ms server latency: wall time vs ideal.

Ours: one ``Codegen`` session (memory:// checkpointer), N runs started together
with ``asyncio.gather(session.run(...))``. Every answer holds no Python, so the
validate node has nothing to gate (no sandbox run, nothing mocked) and each run
makes exactly two sequential LLM calls (generate, then one refine) before it
ends. Floor: a bare LangGraph graph (InMemorySaver, durability="sync") with the
same node sequence and the same two streamed ChatOpenAI calls, N runs gathered.
Ideal: two server latencies (the sequential LLM calls of one run).

The fake server runs in a child process (it is another machine in real use).

Run: PYTHONPATH=src /work/venv/bin/python bench/concurrency.py [--levels 1,10,100]
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
    floor_refine_graph,
    machine,
    no_python,
    ratio,
    server_process,
    settings_for,
)
from tta_codegen import Codegen, CodegenRequest  # noqa: E402

LATENCY_S = 0.5
CALLS_PER_RUN = 2
TARGET = 1.3


async def _ours(session: Codegen, n: int) -> float:
    requests = [
        CodegenRequest(task=TASK, module_name="calc", max_iterations=1)
        for _ in range(n)
    ]
    started = time.perf_counter()
    results = await asyncio.gather(*(session.run(r) for r in requests))
    wall = time.perf_counter() - started
    assert all(len(r.calls) == CALLS_PER_RUN for r in results), results[0]
    return wall


async def _floor(graph: object, n: int, tag: str) -> float:
    started = time.perf_counter()
    outs = await asyncio.gather(
        *(
            graph.ainvoke(  # type: ignore[attr-defined]
                {"task": TASK},
                {"configurable": {"thread_id": f"{tag}-{i}"}},
                durability="sync",
            )
            for i in range(n)
        )
    )
    wall = time.perf_counter() - started
    assert all(o["status"] == "failed" for o in outs)
    return wall


async def measure(levels: list[int]) -> dict[str, object]:
    ideal = CALLS_PER_RUN * LATENCY_S
    rows: list[dict[str, object]] = []
    with (
        server_process(no_python(delay_s=LATENCY_S)) as base_url,
        tempfile.TemporaryDirectory() as tmp,
    ):
        floor = floor_refine_graph(chat_client(base_url))
        async with Codegen.open(settings_for(base_url, Path(tmp))) as session:
            await _ours(session, 1)  # warm-up: imports, clients, connections
            await _floor(floor, 1, "warm")
            for n in levels:
                ours = await _ours(session, n)
                base = await _floor(floor, n, f"n{n}")
                rows.append(
                    {
                        "concurrent_runs": n,
                        "ours_s": round(ours, 3),
                        "floor_s": round(base, 3),
                        "ideal_s": ideal,
                        "ratio_to_floor": ratio(ours, base),
                        "ratio_to_ideal": ratio(ours, ideal),
                        "floor_ratio_to_ideal": ratio(base, ideal),
                    }
                )
    top = rows[-1]
    return {
        "benchmark": "concurrency",
        "server_latency_s": LATENCY_S,
        "llm_calls_per_run": CALLS_PER_RUN,
        "levels": rows,
        "target": f"ours <= {TARGET}x floor at {top['concurrent_runs']} runs",
        "target_met": float(str(top["ratio_to_floor"])) <= TARGET,
        "machine": machine(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="1,10,100")
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",")]
    print(json.dumps(asyncio.run(measure(levels)), indent=2))


if __name__ == "__main__":
    main()
