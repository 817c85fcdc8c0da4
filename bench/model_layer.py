"""Per-call overhead of the model gateway over a bare ChatOpenAI call.

Both paths stream one short completion from the loopback fake server (0 ms
server latency); the difference of the medians is what the gateway adds
(catalog lookup, budget reservation + commit, breaker, stats, retry wrapper,
span). Run: PYTHONPATH=src /work/venv/bin/python bench/model_layer.py
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
from decimal import Decimal
from pathlib import Path

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


CPU: dict[str, float] = {}


async def _bare(server: FakeOpenAIServer, *, stream: bool) -> list[float]:
    client = ChatOpenAI(
        model="m",
        base_url=server.base_url,
        api_key="x",  # type: ignore[arg-type]
        max_retries=0,
        stream_usage=True,
    )
    times = []
    cpu = 0.0
    for i in range(CALLS + WARMUP):
        started, cpu_started = time.perf_counter(), time.process_time()
        if stream:
            async for _ in client.astream([HumanMessage(PROMPT)]):
                pass
        else:
            await client.ainvoke([HumanMessage(PROMPT)])
        if i >= WARMUP:
            times.append((time.perf_counter() - started) * 1000)
            cpu += time.process_time() - cpu_started
    CPU["bare_astream" if stream else "bare_ainvoke"] = cpu * 1000 / CALLS
    return times


async def _gateway(
    settings: Settings, name: str, *, traced: bool = False
) -> list[float]:
    tracer = TracerProvider().get_tracer("bench") if traced else None
    times = []
    cpu = 0.0
    async with ModelGateway.open(settings, tracer=tracer) as gw:
        for i in range(CALLS + WARMUP):
            started, cpu_started = time.perf_counter(), time.process_time()
            await gw.chat(
                [ChatMessage("user", PROMPT)],
                candidates=["m"],
                node="bench",
                template="t",
            )
            if i >= WARMUP:
                times.append((time.perf_counter() - started) * 1000)
                cpu += time.process_time() - cpu_started
    CPU[name] = cpu * 1000 / CALLS
    return times


def _settings(server: FakeOpenAIServer, state: Path, **routing: object) -> Settings:
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
        routing=routing,  # type: ignore[arg-type]
        budget={"max_cost_per_day_usd": "1000000", "max_cost_per_run_usd": None},  # type: ignore[arg-type]
    )


async def main() -> dict[str, object]:
    out: dict[str, object] = {
        "calls": CALLS,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
    }
    reply = Reply(content="def add(a, b):\n    return a + b\n")
    with (
        FakeOpenAIServer(default=reply) as server,
        tempfile.TemporaryDirectory() as tmp,
    ):
        state = Path(tmp)
        medians = {
            "bare_chatopenai_ms": statistics.median(await _bare(server, stream=False)),
            "bare_chatopenai_astream_ms": statistics.median(
                await _bare(server, stream=True)
            ),
            "gateway_file_state_ms": statistics.median(
                await _gateway(_settings(server, state / "a"), "gateway_file")
            ),
            "gateway_file_state_traced_ms": statistics.median(
                await _gateway(
                    _settings(server, state / "b"), "gateway_file_traced", traced=True
                )
            ),
        }
        with throwaway_redis() as url:
            redis_settings = _settings(
                server, state / "c", stats_url=url, key_prefix="bench"
            )
            medians["gateway_redis_state_ms"] = statistics.median(
                await _gateway(redis_settings, "gateway_redis")
            )
    bare = medians["bare_chatopenai_ms"]
    out.update({k: round(v, 3) for k, v in medians.items()})
    out.update(
        {
            k.replace("_ms", "_overhead_ms"): round(v - bare, 3)
            for k, v in medians.items()
            if k.startswith("gateway")
        }
    )
    out["cpu_ms_per_call"] = {k: round(v, 3) for k, v in CPU.items()}
    return out


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main()), indent=2))
