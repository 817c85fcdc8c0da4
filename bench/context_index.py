"""Benchmark: index a real Python tree cold and warm, re-index after one change,
and time retrieval. Prints one JSON object.

The tree is a copy of standard-library packages of the running interpreter's
base Python, taken until ``--lines`` lines (default 100k); ``--full`` also
indexes the whole standard library in place.

    PYTHONPATH=src /work/venv/bin/python bench/context_index.py [--lines N] [--full]
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from tta_codegen.context import open_index, select  # noqa: E402
from tta_codegen.context._rank import rank  # noqa: E402

TASKS = [
    ("an async HTTP client with connection pooling and retries", "api"),
    ("parse email headers and decode MIME attachments", None),
    ("a JSON encoder for dataclasses with custom date handling", None),
    ("a thread pool executor that cancels pending futures on shutdown", None),
    (
        "a circuit breaker around socket connections with exponential backoff",
        "agent_orchestration",
    ),
    ("an LRU cache with time-based invalidation", "data_layer"),
    ("unit tests with mocks for a logging handler", "testing"),
    ("a sqlite transaction helper with savepoints", "data_layer"),
]


def _lines(path: Path) -> int:
    with path.open("rb") as fh:
        return sum(1 for _ in fh)


def make_tree(dest: Path, target_lines: int) -> int:
    """Copy stdlib packages into ``dest`` until ``target_lines``; return lines."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    total = 0
    for package in sorted(p for p in stdlib.iterdir() if (p / "__init__.py").is_file()):
        if package.name in {"test", "idlelib", "site-packages", "lib2to3"}:
            continue
        shutil.copytree(
            package,
            dest / package.name,
            ignore=shutil.ignore_patterns("__pycache__", "test*"),
        )
        total += sum(_lines(f) for f in (dest / package.name).rglob("*.py"))
        if total >= target_lines:
            break
    return total


def _timed_open(root: Path, cache: Path) -> tuple[float, object]:
    started = time.perf_counter()
    index = open_index([root], cache_dir=cache)
    return time.perf_counter() - started, index


def measure(root: Path, cache: Path, lines: int) -> dict[str, object]:
    cold_s, cold = _timed_open(root, cache)
    warm_runs = [_timed_open(root, cache)[0] for _ in range(5)]
    _, warm = _timed_open(root, cache)
    result: dict[str, object] = {
        "lines": lines,
        "files": cold.stats.files,  # type: ignore[attr-defined]
        "chunks": cold.stats.chunks,  # type: ignore[attr-defined]
        "cold_s": round(cold_s, 3),
        "warm_s_median": round(statistics.median(warm_runs), 3),
        "warm_rechunked": warm.stats.rechunked,  # type: ignore[attr-defined]
    }
    rank_ms: list[float] = []
    select_ms: list[float] = []
    for _ in range(5):
        for task, kind in TASKS:
            started = time.perf_counter()
            rank(warm, task, kind)  # type: ignore[arg-type]
            rank_ms.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            select(
                warm,
                task,
                roots=[root],
                budget_tokens=6000,  # type: ignore[arg-type]
                pattern_docs=(),
                context_type=kind,
            )
            select_ms.append((time.perf_counter() - started) * 1000)
    result["rank_ms_median"] = round(statistics.median(rank_ms), 2)
    result["retrieval_ms_median"] = round(statistics.median(select_ms), 2)
    result["retrieval_ms_max"] = round(max(select_ms), 2)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--full", action="store_true", help="also the whole stdlib")
    args = parser.parse_args()
    out: dict[str, object] = {
        "machine": {
            "python": platform.python_version(),
            "cpu": platform.processor() or platform.machine(),
            "cores": __import__("os").cpu_count(),
        }
    }
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "tree"
        lines = make_tree(root, args.lines)
        cache = Path(tmp) / "cache"
        out["tree"] = measure(root, cache, lines)
        changed = next(iter(sorted(root.rglob("*.py"))))
        changed.write_text(
            changed.read_text() + "\n\ndef added_later() -> None:\n    pass\n"
        )
        started = time.perf_counter()
        index = open_index([root], cache_dir=cache)
        out["tree"]["one_file_changed_s"] = round(time.perf_counter() - started, 3)  # type: ignore[index]
        out["tree"]["one_file_changed_rechunked"] = index.stats.rechunked  # type: ignore[index]
        if args.full:
            stdlib = Path(sysconfig.get_paths()["stdlib"])
            full_lines = sum(
                _lines(f)
                for f in stdlib.rglob("*.py")
                if "site-packages" not in f.parts
            )
            out["stdlib"] = measure(stdlib, Path(tmp) / "cache-full", full_lines)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
