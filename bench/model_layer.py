"""Per-call overhead of the model gateway over a bare ChatOpenAI call.

Every path streams one short completion from the loopback fake server (0 ms
server latency). Calls are interleaved (bare, gateway, bare, gateway...) so
load changes on the machine hit both sides alike; the overhead is the median
of the paired differences. What the gateway adds: catalog lookup, budget
reservation + commit, breaker check, stats write, retry wrapper, span.

Run: PYTHONPATH=src /work/venv/bin/python bench/model_layer.py
(BENCH_CALLS=N to change the number of calls per variant; default 300).
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import socketserver
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from langchain_core.messages import HumanMessage  # noqa: E402
from langchain_openai import ChatOpenAI  # noqa: E402
from opentelemetry.sdk.trace import TracerProvider  # noqa: E402

from tta_codegen.models import ChatMessage, ModelGateway  # noqa: E402
from tta_codegen.settings import ModelEntry, ProviderSettings, Settings  # noqa: E402
from tta_codegen.testing import FakeOpenAIServer, Reply  # noqa: E402
from tta_codegen.testing.redis_server import throwaway_redis  # noqa: E402

# The fake server writes headers and body separately; with Nagle's algorithm on,
# every response then waits ~40 ms for the client's delayed ACK, which would
# swamp what we measure. Turn Nagle off for the fake server in this process.
socketserver.StreamRequestHandler.disable_nagle_algorithm = True

CALLS = int(os.environ.get("BENCH_CALLS", "300"))
WARMUP = 20
PROMPT = "Write a function that adds two integers."
Call = Callable[[], Awaitable[Any]]


def _settings(server: FakeOpenAIServer, state: Path, **routing: Any) -> Settings:
    return Settings(
        state_dir=state,
        providers={
            "fake": ProviderSettings(base_url=server.base_url, api_key_required=False)
        },
        models=[
            ModelEntry(
                id="m",
                provider="fake",
                input_cost_per_mtok=Decimal(1),
                output_cost_per_mtok=Decimal(2),
            )
        ],
        routing=routing,
        budget={"max_cost_per_day_usd": "1000000", "max_cost_per_run_usd": None},
    )


@asynccontextmanager
async def _gateway_call(
    settings: Settings, *, traced: bool = False
) -> AsyncIterator[Call]:
    tracer = TracerProvider().get_tracer("bench") if traced else None
    async with ModelGateway.open(settings, tracer=tracer) as gw:

        async def call() -> object:
            return await gw.chat(
                [ChatMessage("user", PROMPT)], candidates=["m"], node="b", template="t"
            )

        yield call


async def _paired(bare: Call, other: Call) -> dict[str, float]:
    """Interleaved calls; medians of each side and of the paired differences."""
    bare_ms, other_ms, diffs, bare_cpu, other_cpu = [], [], [], 0.0, 0.0
    for i in range(CALLS + WARMUP):
        t0, c0 = time.perf_counter(), time.process_time()
        await bare()
        t1, c1 = time.perf_counter(), time.process_time()
        await other()
        t2, c2 = time.perf_counter(), time.process_time()
        if i >= WARMUP:
            bare_ms.append((t1 - t0) * 1000)
            other_ms.append((t2 - t1) * 1000)
            diffs.append((t2 - t1 - (t1 - t0)) * 1000)
            bare_cpu += c1 - c0
            other_cpu += c2 - c1
    return {
        "bare_median_ms": round(statistics.median(bare_ms), 3),
        "median_ms": round(statistics.median(other_ms), 3),
        "overhead_median_ms": round(statistics.median(diffs), 3),
        "cpu_overhead_ms_per_call": round((other_cpu - bare_cpu) * 1000 / CALLS, 3),
    }


async def main() -> dict[str, object]:
    reply = Reply(content="def add(a, b):\n    return a + b\n")
    out: dict[str, object] = {
        "calls_per_variant": CALLS,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
    }
    with (
        FakeOpenAIServer(default=reply) as server,
        tempfile.TemporaryDirectory() as tmp,
    ):
        state = Path(tmp)
        client = ChatOpenAI(
            model="m",
            base_url=server.base_url,
            api_key="x",  # type: ignore[arg-type]
            max_retries=0,
            stream_usage=True,
        )

        async def ainvoke() -> object:
            return await client.ainvoke([HumanMessage(PROMPT)])

        async def astream() -> object:
            return [c async for c in client.astream([HumanMessage(PROMPT)])]

        out["astream_vs_ainvoke"] = await _paired(ainvoke, astream)
        async with _gateway_call(_settings(server, state / "a")) as call:
            out["gateway_file_state_vs_ainvoke"] = await _paired(ainvoke, call)
        async with _gateway_call(_settings(server, state / "b")) as call:
            out["gateway_file_state_vs_astream"] = await _paired(astream, call)
        async with _gateway_call(_settings(server, state / "c"), traced=True) as call:
            out["gateway_file_state_traced_vs_astream"] = await _paired(astream, call)
        with throwaway_redis() as url:
            redis = _settings(server, state / "d", stats_url=url, key_prefix="bench")
            async with _gateway_call(redis) as call:
                out["gateway_redis_state_vs_astream"] = await _paired(astream, call)
    return out


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main()), indent=2))
