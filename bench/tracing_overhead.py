"""Tracing overhead: cost per span and per run (~12 spans) of the span helpers
with a no-op tracer vs the SDK, the SDK + local span store, and + redaction.

Run: PYTHONPATH=src /work/venv/bin/python bench/tracing_overhead.py
Prints one JSON object. Timings include flushing the exporters (the batch
processor's background work), so they are the full cost, not just the caller's.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
from opentelemetry.trace import NoOpTracer, SpanKind, Tracer

from tta_codegen.settings import Settings
from tta_codegen.telemetry import genai
from tta_codegen.telemetry.local_store import LocalSpanExporter, ThreadIdPropagator
from tta_codegen.telemetry.redacting_exporter import RedactingSpanExporter
from tta_codegen.telemetry.setup import setup_tracing
from tta_codegen.telemetry.spans import (
    gate_span,
    node_span,
    run_span,
    sandbox_span,
    set_outcome,
)

SPANS = 2000
RUNS = 400
REPEATS = 7
NODES = ("select_model", "build_context", "route", "generate", "validate", "write")


def one_run(tracer: Tracer, thread_id: str) -> None:
    """12 spans: the run, 6 nodes, 1 LLM call, 3 gates, 1 sandbox."""
    with run_span(tracer, thread_id=thread_id, task="write add(a, b) with tests"):
        for i, node in enumerate(NODES):
            with node_span(tracer, node, iteration=0) as span:
                if node == "generate":
                    with tracer.start_as_current_span(
                        "chat deepseek/deepseek-chat-v3.1:free", kind=SpanKind.CLIENT
                    ) as chat:
                        chat.set_attribute(genai.GEN_AI_OPERATION_NAME, "chat")
                        chat.set_attribute(genai.GEN_AI_USAGE_INPUT_TOKENS, 812)
                        chat.set_attribute(genai.GEN_AI_USAGE_OUTPUT_TOKENS, 240)
                        chat.set_attribute(genai.TTA_COST_USD, 0.0)
                if node == "validate":
                    for gate in ("ruff", "mypy"):
                        with gate_span(tracer, gate) as g:
                            set_outcome(g, "passed")
                    with gate_span(tracer, "pytest"), sandbox_span(tracer, "python"):
                        pass
                set_outcome(span, f"ok-{i}")


def many_spans(tracer: Tracer, thread_id: str) -> None:
    with run_span(tracer, thread_id=thread_id, task="bench"):
        for _ in range(SPANS):
            with node_span(tracer, "generate", iteration=0) as span:
                set_outcome(span, "ok")


def _provider(exporter: SpanExporter | None) -> TracerProvider:
    provider = TracerProvider()
    provider.add_span_processor(ThreadIdPropagator())
    if exporter is not None:
        provider.add_span_processor(
            BatchSpanProcessor(exporter, schedule_delay_millis=500, max_queue_size=8192)
        )
    return provider


Make = Callable[[Path], TracerProvider | None]
VARIANTS: dict[str, Make] = {
    "noop_tracer": lambda _d: None,
    "sdk_no_exporter": lambda _d: _provider(None),
    "sdk_local_store": lambda d: _provider(LocalSpanExporter(d)),
    "sdk_local_store_redacted": lambda d: _provider(
        RedactingSpanExporter(LocalSpanExporter(d))
    ),
    "setup_tracing_default": lambda d: (
        setup_tracing(Settings.load(state_dir=d)).tracer_provider
    ),
}


def _timed(
    provider: TracerProvider | None, work: Callable[[], None]
) -> tuple[float, float]:
    """(wall, CPU of all threads) seconds of ``work`` plus flushing the exporters."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    if provider:
        provider.force_flush()
    return time.perf_counter() - wall, time.process_time() - cpu


def measure_once(make: Make, repeat: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        provider = make(Path(tmp))
        tracer = provider.get_tracer("bench") if provider else NoOpTracer()
        span_wall, span_cpu = _timed(provider, lambda: many_spans(tracer, f"s{repeat}"))

        def runs() -> None:
            for run in range(RUNS):
                one_run(tracer, f"run-{repeat}-{run}")

        run_wall, run_cpu = _timed(provider, runs)
        if provider:
            provider.shutdown()
    return {
        "span_wall": span_wall / (SPANS + 1),
        "span_cpu": span_cpu / (SPANS + 1),
        "run_wall": run_wall / RUNS,
        "run_cpu": run_cpu / RUNS,
    }


def measure_all() -> dict[str, dict[str, float]]:
    """Variants interleaved per repeat, so machine noise hits them alike."""
    samples: dict[str, list[dict[str, float]]] = {name: [] for name in VARIANTS}
    for repeat in range(REPEATS):
        for name, make in VARIANTS.items():
            samples[name].append(measure_once(make, repeat))
    labels = {
        "span_cpu": "cpu_us_per_span",
        "span_wall": "wall_us_per_span",
        "run_cpu": "cpu_us_per_run",
        "run_wall": "wall_us_per_run",
    }
    out = {}
    for name, rows in samples.items():
        out[name] = {
            f"{label}_{stat}": round(fn(r[key] for r in rows) * 1e6, 1)
            for key, label in labels.items()
            for stat, fn in (("median", statistics.median), ("min", min))
        }
    return out


def setup_cost_ms() -> float:
    code = (
        "import time; t=time.perf_counter();"
        "from tta_codegen.settings import Settings;"
        "from tta_codegen.telemetry import setup_tracing;"
        "s=Settings.load(); t=time.perf_counter();"
        "h=setup_tracing(s); print((time.perf_counter()-t)*1000); h.shutdown()"
    )
    env = {**os.environ, "PYTHONPATH": "src"}
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return round(float(out.stdout.strip()), 1)


def main() -> None:
    results = measure_all()
    print(
        json.dumps(
            {
                "machine": {
                    "python": platform.python_version(),
                    "cpus": os.cpu_count(),
                    "platform": platform.platform(),
                    "load_average_1m": round(os.getloadavg()[0], 2),
                },
                "spans_per_measure": SPANS,
                "runs_per_measure": RUNS,
                "repeats": REPEATS,
                "results": results,
                "setup_tracing_cold_ms": setup_cost_ms(),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
