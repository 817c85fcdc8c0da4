"""Checkpoint write latency per backend: median and p95 per aput / aput_writes.

Run: PYTHONPATH=src /work/venv/bin/python bench/checkpoint_writes.py [--n 500]
Prints one JSON object. Redis is $REDIS_URL or a throwaway loopback server;
PostgreSQL is $DATABASE_URL or a throwaway server (a scratch schema either way;
left out when neither is possible).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, ExitStack, asynccontextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import aiosqlite  # noqa: E402
import psycopg  # noqa: E402
from langchain_core.runnables import RunnableConfig  # noqa: E402
from langgraph.checkpoint.base import BaseCheckpointSaver  # noqa: E402
from langgraph.checkpoint.conformance.test_utils import (  # noqa: E402
    generate_checkpoint,
    generate_metadata,
)
from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver  # noqa: E402
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver  # noqa: E402

from tta_codegen.checkpoints import open_checkpointer  # noqa: E402
from tta_codegen.findings import Finding  # noqa: E402
from tta_codegen.state import (  # noqa: E402
    SCHEMA_VERSION,
    CodegenRequest,
    ContextBundle,
    ContextChunk,
    GateReport,
    LLMCall,
)
from tta_codegen.testing.postgres_server import (  # noqa: E402
    PostgresUnavailable,
    scratch_schema,
    throwaway_postgres,
)
from tta_codegen.testing.redis_server import throwaway_redis  # noqa: E402

Opener = Callable[[], AbstractAsyncContextManager[BaseCheckpointSaver[Any]]]


def small_state() -> dict[str, Any]:
    """A run right after its first draft: request, model, no calls (~0.4 KiB)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "request": CodegenRequest(task="Write a function that adds two numbers."),
        "draft_model": "deepseek/deepseek-chat-v3.1:free",
        "iteration": 0,
        "calls": [],
    }


def large_state() -> dict[str, Any]:
    """A run after a refine round: code, tests, context, findings (~20 KiB)."""
    code = "def f(x: int) -> int:\n    return x + 1\n\n" * 240
    chunks = tuple(
        ContextChunk(
            path=f"pkg/m{i}.py", start_line=1, end_line=40, text="y = 2\n" * 40
        )
        for i in range(6)
    )
    findings = tuple(
        Finding(gate="ruff", severity="warning", message=f"issue {i}", code="E501")
        for i in range(10)
    )
    call = LLMCall(
        node="generate",
        model="m",
        provider="p",
        template="generate@1",
        latency_ms=812.5,
        input_tokens=2100,
        output_tokens=900,
        cost_usd=Decimal("0.0031"),
    )
    return {
        **small_state(),
        "code": code,
        "tests": code[: len(code) // 2],
        "context": ContextBundle(chunks=chunks, tokens=1500, budget=4000),
        "report": GateReport(findings=findings, passed=False, coverage=81.0),
        "calls": [call, call],
        "iteration": 1,
    }


def _stats(samples_ns: list[int]) -> dict[str, float]:
    ms = sorted(s / 1e6 for s in samples_ns)
    return {
        "median_ms": round(statistics.median(ms), 4),
        "p95_ms": round(ms[int(len(ms) * 0.95) - 1], 4),
        "n": len(ms),
    }


Samples = dict[str, list[int]]


async def measure(
    saver: BaseCheckpointSaver[Any], state: dict[str, Any], n: int, into: Samples
) -> None:
    """Time ``n`` chained aputs, each followed by one aput_writes of 2 writes."""
    config: RunnableConfig = {
        "configurable": {"thread_id": "bench", "checkpoint_ns": ""}
    }
    versions = dict.fromkeys(state, 1)
    writes = [("code", state.get("code", "x = 1")), ("calls", state["calls"][:1])]
    warmup = max(10, n // 10)
    for i in range(n + warmup):
        checkpoint = generate_checkpoint(
            channel_values=state, channel_versions=versions
        )
        start = time.perf_counter_ns()
        stored = await saver.aput(
            config, checkpoint, generate_metadata(step=i), versions
        )
        mid = time.perf_counter_ns()
        await saver.aput_writes(stored, writes, f"task-{i}")
        end = time.perf_counter_ns()
        config = stored
        if i >= warmup:
            into.setdefault("aput", []).append(mid - start)
            into.setdefault("aput_writes", []).append(end - mid)


async def ping_floor(redis_url: str, n: int, into: Samples) -> None:
    """One PING on the same client library: the round-trip floor of any write."""
    from redis.asyncio import Redis  # noqa: PLC0415

    client = Redis.from_url(redis_url)
    try:
        for i in range(n + 50):
            start = time.perf_counter_ns()
            await client.ping()
            if i >= 50:
                into.setdefault("ping", []).append(time.perf_counter_ns() - start)
    finally:
        await client.aclose()


async def select_floor(pg_url: str, n: int, into: Samples) -> None:
    """One ``SELECT 1`` on one psycopg connection: the floor of a Postgres write."""
    async with await psycopg.AsyncConnection.connect(pg_url, autocommit=True) as conn:
        for i in range(n + 50):
            start = time.perf_counter_ns()
            await conn.execute("SELECT 1")
            if i >= 50:
                into.setdefault("select_1", []).append(time.perf_counter_ns() - start)


@asynccontextmanager
async def official_postgres(pg_url: str) -> AsyncIterator[BaseCheckpointSaver[Any]]:
    """LangGraph's AsyncPostgresSaver as documented: one connection, its serde."""
    async with AsyncPostgresSaver.from_conn_string(pg_url) as saver:
        yield saver


@asynccontextmanager
async def official_sqlite(path: Path) -> AsyncIterator[BaseCheckpointSaver[Any]]:
    """LangGraph's AsyncSqliteSaver as shipped (synchronous=FULL, default serde)."""
    async with aiosqlite.connect(path) as conn:
        yield AsyncSqliteSaver(conn)


async def run(
    n: int, rounds: int, redis_url: str, pg_url: str | None, workdir: Path
) -> dict[str, Any]:
    """Every backend and size once per round (interleaved, to spread noise)."""
    backends: dict[str, Opener] = {
        "memory": lambda: open_checkpointer("memory://"),
        "sqlite": lambda: open_checkpointer(f"sqlite:///{workdir}/ours.sqlite"),
        "sqlite-official-defaults": lambda: official_sqlite(workdir / "plain.sqlite"),
        "redis": lambda: open_checkpointer(redis_url, key_prefix="bench-plain"),
        "redis-ttl-keep_last": lambda: open_checkpointer(
            redis_url, key_prefix="bench-ttl", ttl_s=3600, keep_last=20
        ),
    }
    if pg_url is not None:
        backends["postgres"] = lambda: open_checkpointer(pg_url)
        backends["postgres-official-defaults"] = lambda: official_postgres(pg_url)
    samples: dict[str, dict[str, Samples]] = {"redis-ping (floor)": {"-": {}}}
    if pg_url is not None:
        samples["postgres-select-1 (floor)"] = {"-": {}}
    for _ in range(rounds):
        await ping_floor(redis_url, n, samples["redis-ping (floor)"]["-"])
        if pg_url is not None:
            floor = samples["postgres-select-1 (floor)"]["-"]
            await select_floor(pg_url, n, floor)
        for name, opener in backends.items():
            for size, state in (("small", small_state()), ("20KiB", large_state())):
                async with opener() as saver:
                    into = samples.setdefault(name, {}).setdefault(size, {})
                    await measure(saver, state, n, into)
                    await saver.adelete_thread("bench")
    return {
        name: {
            size: {op: _stats(v) for op, v in ops.items()} for size, ops in by.items()
        }
        for name, by in samples.items()
    }


async def server_version(redis_url: str) -> str:
    """The Redis server's name and version, for the record."""
    from redis.asyncio import Redis  # noqa: PLC0415

    client = Redis.from_url(redis_url)
    try:
        info = await client.info("server")
        return f"{info.get('server_name', 'redis')} {info['redis_version']}"
    finally:
        await client.aclose()


def postgres(stack: ExitStack) -> tuple[str | None, str]:
    """A scratch schema on $DATABASE_URL or a throwaway server, and its version."""
    try:
        server = stack.enter_context(throwaway_postgres())
    except PostgresUnavailable as exc:
        return None, f"not measured: {exc}"
    url = stack.enter_context(scratch_schema(server, "bench"))
    with psycopg.connect(url) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return url, f"PostgreSQL {row[0] if row else '?'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=300, help="writes per round")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds")
    args = parser.parse_args()
    load_before = os.getloadavg()
    with ExitStack() as stack:
        redis_url = stack.enter_context(throwaway_redis())
        tmp = stack.enter_context(tempfile.TemporaryDirectory())
        pg_url, pg_version = postgres(stack)
        results = asyncio.run(run(args.n, args.rounds, redis_url, pg_url, Path(tmp)))
        redis_version = asyncio.run(server_version(redis_url))
    from tta_codegen.checkpoints.serde import make_serializer  # noqa: PLC0415

    size = {
        label: len(make_serializer().dumps_typed(state)[1])
        for label, state in (("small", small_state()), ("20KiB", large_state()))
    }
    print(
        json.dumps(
            {
                "benchmark": "checkpoint_writes",
                "machine": {
                    "python": platform.python_version(),
                    "cpu": platform.processor() or platform.machine(),
                    "cores": os.cpu_count(),
                    "loadavg_1m_before_after": [load_before[0], os.getloadavg()[0]],
                },
                "redis_server": redis_version,
                "postgres_server": pg_version,
                "state_bytes": size,
                "results": results,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
