"""200 runs at 500 ms model latency through 1, 2 and 4 ``tta-codegen worker``
processes (gates on), beside single-process ``batch`` on the same machine.

Each run makes two LLM calls (generate, generate_tests) and validates twice
with the real gates (ruff, mypy, bandit, import, the tests in the sandbox;
mutation testing and flaky re-runs off). Checkpoints, leases, run records and
the broker are one Redis ($REDIS_URL, else a throwaway one). The fake model
server runs in a child process.

Ideal: the higher of (runs x 2 calls x latency / total concurrency) and the
gate CPU limit (runs x one run's validate time measured alone / CPU cores).

Run: PYTHONPATH=src .venv/bin/python bench/fleet.py [--runs 200] [--workers 1,2,4]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import happy_path, machine, ratio, server_process  # noqa: E402
from tta_codegen.settings import Settings  # noqa: E402
from tta_codegen.testing.redis_server import throwaway_redis  # noqa: E402

LATENCY_S = 0.5
CALLS_PER_RUN = 2
PER_WORKER = 8
"""Runs one worker executes at once (``--concurrency``)."""
TARGET = 1.3
SRC = Path(__file__).resolve().parents[1] / "src"


def _config(tmp: Path, base_url: str, redis_url: str, tag: str) -> Path:
    path = tmp / f"{tag}.toml"
    path.write_text(
        f"""
state_dir = "{tmp / "state"}"

[providers.openrouter]
base_url = "{base_url}"
api_key_required = false
free_requests_per_minute = "unlimited"
free_requests_per_day = "unlimited"

[checkpoints]
url = "{redis_url}"
key_prefix = "{tag}"
ttl_s = 3600

[routing]
key_prefix = "{tag}"

[budget]
max_cost_per_day_usd = "unlimited"
max_cost_per_run_usd = "unlimited"

[generation]
max_iterations = 1

[gates]
mutation = false
reruns = 0

[fleet]
queue = "{tag}"
concurrency = {PER_WORKER}
"""
    )
    return path


def _cli(config: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "tta_codegen", "--config", str(config), *args]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(SRC)}


def _tasks(tmp: Path, name: str, runs: int) -> Path:
    out = tmp / name
    out.mkdir()
    lines = [f"name: {name}", "tasks:"]
    for i in range(runs):
        (out / f"r{i}").mkdir()
        lines += [
            f"  - id: r{i}",
            f"    task: Add two integers ({i}).",
            f"    out: {out / f'r{i}' / 'calc.py'}",
        ]
    path = tmp / f"{name}.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def _batch(tmp: Path, config: Path, runs: int, concurrency: int) -> float:
    tasks = _tasks(tmp, "single", runs)
    started = time.perf_counter()
    done = subprocess.run(
        _cli(config, "batch", str(tasks), "--concurrency", str(concurrency), "--json"),
        env=_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    rows = json.loads(done.stdout)["tasks"]
    assert all(r["status"] == "succeeded" for r in rows), done.stderr[-2000:]
    return wall


async def _finished(settings: Settings, threads: list[str]) -> list[str]:
    from tta_codegen.fleet.client import open_records  # noqa: PLC0415

    async with open_records(settings) as records:
        statuses = []
        for thread_id in threads:
            record = await records.get(thread_id)
            statuses.append(record.status if record else "missing")
        return statuses


async def _validate_seconds(settings: Settings, thread_id: str) -> float:
    from tta_codegen.fleet.client import open_records  # noqa: PLC0415

    async with open_records(settings) as records:
        entries = await records.redis.xrange(records.events_key(thread_id))
    total = 0.0
    for _id, fields in entries:
        doc = json.loads(fields["e"])
        if doc.get("type") == "node_finished" and doc["node"] == "validate":
            total += float(doc["seconds"])
    return total


def _start_workers(
    config: Path, count: int, logs: Path
) -> list[subprocess.Popen[bytes]]:
    procs = []
    for i in range(count):
        log = (logs / f"worker-{count}-{i}.log").open("wb")
        procs.append(
            subprocess.Popen(
                _cli(config, "worker", "--concurrency", str(PER_WORKER)),
                env=_env(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
    for i in range(count):
        path = logs / f"worker-{count}-{i}.log"
        while " ready." not in path.read_text(errors="replace"):
            time.sleep(0.2)
    return procs


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        proc.wait(timeout=60)


def _fleet(tmp: Path, config: Path, runs: int, workers: int) -> float:
    settings = Settings.load(config)
    logs = tmp / "logs"
    logs.mkdir(exist_ok=True)
    procs = _start_workers(config, workers, logs)
    try:
        tasks = _tasks(tmp, f"fleet{workers}", runs)
        started = time.perf_counter()
        queued = subprocess.run(
            _cli(config, "batch", str(tasks), "--fleet"),
            env=_env(),
            capture_output=True,
            text=True,
            check=True,
        )
        threads = queued.stdout.split()
        while True:
            statuses = asyncio.run(_finished(settings, threads))
            if all(s == "finished" for s in statuses):
                break
            time.sleep(0.25)
        return time.perf_counter() - started
    finally:
        _stop(procs)


def _gate_seconds(tmp: Path, config: Path, samples: int = 3) -> float:
    """One run's validate time (both passes), alone on one worker."""
    settings = Settings.load(config)
    logs = tmp / "logs"
    logs.mkdir(exist_ok=True)
    procs = _start_workers(config, 1, logs)
    try:
        seconds = []
        for i in range(samples):
            tid = f"gate-{i}"
            subprocess.run(
                _cli(config, "submit", "Add two integers.", "--thread-id", tid),
                env=_env(),
                check=True,
                capture_output=True,
            )
            while asyncio.run(_finished(settings, [tid])) != ["finished"]:
                time.sleep(0.1)
            seconds.append(asyncio.run(_validate_seconds(settings, tid)))
        return sorted(seconds)[len(seconds) // 2]
    finally:
        _stop(procs)


def measure(runs: int, levels: list[int]) -> dict[str, object]:
    cores = os.cpu_count() or 1
    rows: list[dict[str, object]] = []
    with (
        throwaway_redis() as redis_url,
        server_process(happy_path(delay_s=LATENCY_S)) as base_url,
        tempfile.TemporaryDirectory() as tmp_name,
    ):
        tmp = Path(tmp_name)
        tag = f"bench-{uuid.uuid4().hex[:8]}"
        gate_s = _gate_seconds(tmp, _config(tmp, base_url, redis_url, tag + "-g"))
        gate_limit = runs * gate_s / cores
        batch_s = _batch(
            tmp, _config(tmp, base_url, redis_url, tag + "-b"), runs, PER_WORKER
        )
        for workers in levels:
            config = _config(tmp, base_url, redis_url, f"{tag}-w{workers}")
            wall = _fleet(tmp, config, runs, workers)
            latency_ideal = runs * CALLS_PER_RUN * LATENCY_S / (workers * PER_WORKER)
            ideal = max(latency_ideal, gate_limit)
            rows.append(
                {
                    "workers": workers,
                    "total_concurrency": workers * PER_WORKER,
                    "wall_s": round(wall, 1),
                    "latency_ideal_s": round(latency_ideal, 1),
                    "gate_cpu_limit_s": round(gate_limit, 1),
                    "ideal_s": round(ideal, 1),
                    "ratio_to_ideal": ratio(wall, ideal),
                    "limit": "gates (CPU)"
                    if gate_limit >= latency_ideal
                    else "latency",
                }
            )
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    return {
        "benchmark": "fleet",
        "runs": runs,
        "server_latency_s": LATENCY_S,
        "llm_calls_per_run": CALLS_PER_RUN,
        "validate_s_per_run_alone": round(gate_s, 2),
        "single_process_batch": {
            "concurrency": PER_WORKER,
            "wall_s": round(batch_s, 1),
        },
        "levels": rows,
        "target": f"wall <= {TARGET}x ideal",
        "target_met": all(float(str(r["ratio_to_ideal"])) <= TARGET for r in rows),
        "machine": machine(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--workers", default="1,2,4")
    args = parser.parse_args()
    levels = [int(x) for x in args.workers.split(",")]
    print(json.dumps(measure(args.runs, levels), indent=2))


if __name__ == "__main__":
    main()
