"""Run every benchmark quickly (small N) and write one combined JSON.

Each benchmark runs as its own subprocess (a fresh interpreter, as a user would
run it) with small sizes; the figures in docs/benchmarks.md come from the full
sizes (each benchmark's defaults). Writes bench-results.json (or --out) and
prints it.

Run: PYTHONPATH=src /work/venv/bin/python bench/run_all.py [--out FILE]
(``make bench`` does this.)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

QUICK: dict[str, list[str]] = {
    "orchestration": ["--runs", "8"],
    "concurrency": ["--levels", "1,10,100"],
    "first_token": ["--runs", "8"],
    "cli_startup": ["--runs", "3"],
    "humaneval": ["--model", "fake/coder", "--limit", "3"],
    "checkpoint_writes": ["--n", "100", "--rounds", "1"],
    "gates_humaneval": [
        "--tasks",
        "10",
        "--mutant-tasks",
        "5",
        "--mutants-per-task",
        "2",
        "--final-tasks",
        "3",
    ],
    "context_index": ["--lines", "20000"],
    "edit_writes": ["--runs", "2"],
    "model_layer": [],
    "runaway_answer": ["--runs", "1"],
    "tracing_overhead": [],
}
ENV: dict[str, dict[str, str]] = {"model_layer": {"BENCH_CALLS": "60"}}


def run_one(name: str, args: list[str]) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **ENV.get(name, {})}
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / f"{name}.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = round(time.perf_counter() - started, 1)
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-5:]
        return {"ok": False, "seconds": seconds, "error": "\n".join(tail)}
    try:
        result = json.loads(proc.stdout)
    except json.JSONDecodeError:
        return {"ok": False, "seconds": seconds, "error": "output is not JSON"}
    return {"ok": True, "seconds": seconds, "args": args, "result": result}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results.json")
    parser.add_argument("--only", help="comma-separated benchmark names")
    args = parser.parse_args()
    names = args.only.split(",") if args.only else list(QUICK)
    results: dict[str, object] = {}
    for name in names:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        results[name] = run_one(name, QUICK[name])
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    if not all(isinstance(r, dict) and r.get("ok") for r in results.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
