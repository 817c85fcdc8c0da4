"""Time to the first streamed token: ``session.events`` vs the raw client.

Ours: from calling ``Codegen.events(request)`` (a new run on an open session:
thread check, select_model, build_context, route, prompt render, model gateway)
to the first ``TokenStreamed`` event. Raw: from calling ``ChatOpenAI.astream``
to its first content chunk. Both against the same fake server (in a child
process) whose reply waits ``--delay-ms`` before its first chunk. Runs
alternate; ours is stopped at its first token (the rest of the run, gates
included, is not what this measures).

Run: PYTHONPATH=src /work/venv/bin/python bench/first_token.py [--runs N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from contextlib import aclosing
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from langchain_core.messages import HumanMessage, SystemMessage  # noqa: E402
from langchain_openai import ChatOpenAI  # noqa: E402

from _common import (  # noqa: E402
    SYSTEM,
    TASK,
    chat_client,
    happy_path,
    machine,
    median_ms,
    server_process,
    settings_for,
)
from tta_codegen import Codegen, CodegenRequest  # noqa: E402
from tta_codegen.events import TokenStreamed  # noqa: E402

WARMUP = 3
TARGET_MS = 10.0


async def _ours(session: Codegen) -> float:
    request = CodegenRequest(task=TASK, module_name="calc")
    started = time.perf_counter()
    async with aclosing(session.events(request)) as events:
        async for event in events:
            if isinstance(event, TokenStreamed):
                return time.perf_counter() - started
    raise AssertionError("no token streamed")


async def _raw(client: ChatOpenAI) -> float:
    started = time.perf_counter()
    stream = client.astream([SystemMessage(SYSTEM), HumanMessage(TASK)])
    async with aclosing(stream):  # type: ignore[type-var]
        async for chunk in stream:
            if chunk.content:
                return time.perf_counter() - started
    raise AssertionError("no token streamed")


async def measure(runs: int, delay_ms: float) -> dict[str, object]:
    ours_s: list[float] = []
    raw_s: list[float] = []
    with (
        server_process(happy_path(delay_s=delay_ms / 1000)) as base_url,
        tempfile.TemporaryDirectory() as tmp,
    ):
        client = chat_client(base_url)
        async with Codegen.open(settings_for(base_url, Path(tmp))) as session:
            for i in range(runs + WARMUP):
                ours = await _ours(session)
                raw = await _raw(client)
                if i >= WARMUP:
                    ours_s.append(ours)
                    raw_s.append(raw)
    ours_ms, raw_ms = median_ms(ours_s), median_ms(raw_s)
    diffs = [(a - b) * 1000 for a, b in zip(ours_s, raw_s, strict=True)]
    gap = round(statistics.median(diffs), 3)
    return {
        "benchmark": "first_token",
        "runs": runs,
        "first_chunk_delay_ms": delay_ms,
        "ours_ms": ours_ms,
        "raw_client_ms": raw_ms,
        "gap_ms_median_of_pairs": gap,
        "ratio": round(ours_ms / raw_ms, 3),
        "target": f"gap <= {TARGET_MS} ms",
        "target_met": gap <= TARGET_MS,
        "machine": machine(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--delay-ms", type=float, default=200.0)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(measure(args.runs, args.delay_ms)), indent=2))


if __name__ == "__main__":
    main()
