"""A runaway answer: a provider streams 2 MB although max_output_tokens is small.

Three ways to read the same 2 MB event stream from the loopback fake server
(512-character chunks): a bare httpx read of the bytes (the floor), the model
layer with a cap so high the whole stream is read (the per-chunk cost of
parsing), and the model layer at the default cap (generation.max_output_tokens
8192: it stops reading after ~64k characters). Wall time, CPU time and bytes
the client read are reported per variant (median of the runs).

Run: PYTHONPATH=src /work/venv/bin/python bench/runaway_answer.py [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import socketserver
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import httpx2  # noqa: E402

from tta_codegen.models import ChatMessage  # noqa: E402
from tta_codegen.models.openai_chat import (  # noqa: E402
    OpenAIChatModels,
    answer_char_cap,
)
from tta_codegen.settings import ModelEntry, ProviderSettings, Settings  # noqa: E402
from tta_codegen.testing import FakeOpenAIServer, Reply  # noqa: E402

socketserver.StreamRequestHandler.disable_nagle_algorithm = True

ANSWER = "x = 1\n" * (2 * 1024 * 1024 // 6)
ASK = [ChatMessage("user", "Write add(a, b).")]
Variant = Callable[[], Awaitable[int]]


def _settings(server: FakeOpenAIServer) -> Settings:
    return Settings(
        providers={
            "fake": ProviderSettings(base_url=server.base_url, api_key_required=False)
        },
        models=[ModelEntry(id="m", provider="fake")],
    )


def _variants(server: FakeOpenAIServer, models: OpenAIChatModels) -> dict[str, Variant]:
    entry = ModelEntry(id="m", provider="fake")

    async def bare_bytes() -> int:
        body = {"model": "m", "messages": [{"role": "user", "content": "x"}]}
        async with (
            httpx2.AsyncClient() as client,
            client.stream(
                "POST",
                f"{server.base_url}/chat/completions",
                json={**body, "stream": True},
            ) as response,
        ):
            return sum([len(piece) async for piece in response.aiter_bytes()])

    def through_model(max_output_tokens: int) -> Variant:
        async def call() -> int:
            done = await models(entry).stream(
                ASK,
                max_output_tokens=max_output_tokens,
                temperature=None,
                on_token=None,
            )
            return len(done.text)

        return call

    return {
        "bare_httpx_read_all": bare_bytes,
        "model_layer_read_all": through_model(1_000_000),
        "model_layer_default_cap": through_model(8192),
    }


async def _measure(variant: Variant, runs: int) -> dict[str, float]:
    wall, cpu, sizes = [], [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        sizes.append(await variant())
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return {
        "wall_median_s": round(statistics.median(wall), 3),
        "cpu_median_s": round(statistics.median(cpu), 3),
        "chars_or_bytes_read": sizes[-1],
    }


async def main(runs: int) -> dict[str, object]:
    out: dict[str, object] = {
        "answer_chars": len(ANSWER),
        "runs": runs,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cap_chars_at_default": answer_char_cap(8192),
    }
    with FakeOpenAIServer(default=Reply(content=ANSWER, chunk_size=512)) as server:
        models = OpenAIChatModels(_settings(server))
        try:
            for name, variant in _variants(server, models).items():
                out[name] = await _measure(variant, runs)
        finally:
            await models.aclose()
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    print(json.dumps(asyncio.run(main(parser.parse_args().runs)), indent=2))
