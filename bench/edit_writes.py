"""Benchmark: the two pieces of an edit run that do not involve a model.

1. Change sets: ``apply`` of a set of files (journal, fsyncs, renames), the
   ``recover`` a command pays at start-up when nothing is pending, and ``undo``;
   floor: the same files written with ``atomic_write`` one by one (not
   all-or-nothing).
2. The repository-tests gate on the shop fixture repository (an edit of
   ``shop/pricing/tax.py``, 6 test files, 17 tests): cold (the baseline on the
   original files runs too, concurrently) and warm (baseline cached); floor: the
   same tests run by plain ``python -m pytest`` on the host, outside the sandbox.

Prints one JSON object.

    PYTHONPATH=src /work/venv/bin/python bench/edit_writes.py [--runs N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tta_codegen.changes import (  # noqa: E402
    ChangeSet,
    FileChange,
    apply,
    read_original,
    recover,
    undo,
)
from tta_codegen.files import atomic_write  # noqa: E402
from tta_codegen.gates import BaselineCache, create_sandbox, run_repo_tests  # noqa: E402
from tta_codegen.settings import GatesSettings  # noqa: E402

EDIT_REPO = ROOT / "tests" / "fixtures" / "edit_repo"
PYTEST_FLOOR = ["-q", "-p", "no:cacheprovider", "-p", "pytest_timeout"]
"""The same plugins as inside the sandbox (autoload off there too)."""


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 2)


def _project(base: Path, files: int, size: int) -> ChangeSet:
    root = base / "p"
    (root / "pkg").mkdir(parents=True)
    changes = []
    for i in range(files):
        path = root / "pkg" / f"m{i}.py"
        path.write_text("x = 0\n" * (size // 6))
        changes.append(
            FileChange(
                path=str(path),
                before=read_original(path),
                after="y = 1\n" * (size // 6),
            )
        )
    changes.append(
        FileChange(path=str(root / "new" / "n.py"), before=None, after="N = 1\n")
    )
    return ChangeSet(root=str(root), changes=tuple(changes))


def _one_round(base: Path, files: int, size: int) -> tuple[float, ...]:
    """Seconds of apply, recover (nothing pending), undo, and the floor."""
    changes = _project(base, files, size)
    journal = base / "journal"
    started = time.perf_counter()
    applied = apply(changes, journal_dir=journal)
    applied_at = time.perf_counter()
    recover(journal)
    recovered_at = time.perf_counter()
    undo(applied, journal_dir=journal)
    undone_at = time.perf_counter()
    for change in changes.changes:
        atomic_write(Path(change.path), change.after or "")
    done_at = time.perf_counter()
    return (
        applied_at - started,
        recovered_at - applied_at,
        undone_at - recovered_at,
        done_at - undone_at,
    )


def bench_writes(runs: int, files: int, size: int) -> dict[str, object]:
    rounds = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as scratch:
            rounds.append(_one_round(Path(scratch), files, size))
    applies, recovers, undos, floors = (
        list(column) for column in zip(*rounds, strict=True)
    )
    return {
        "files": files + 1,
        "bytes_per_file": size,
        "apply_ms": _median_ms(applies),
        "undo_ms": _median_ms(undos),
        "recover_nothing_pending_ms": _median_ms(recovers),
        "floor_atomic_write_each_ms": _median_ms(floors),
    }


def _tax_edit(repo: Path, version: int) -> ChangeSet:
    tax = repo / "src/shop/pricing/tax.py"
    before = read_original(tax) or ""
    after = before.replace(
        '    "US-CA"', f'    "NL": Decimal("0.2{version}"),\n    "US-CA"'
    )
    return ChangeSet(
        root=str(repo), changes=(FileChange(path=str(tax), before=before, after=after),)
    )


def bench_gate(runs: int) -> dict[str, object]:
    sandbox = create_sandbox(GatesSettings())
    cold, warm, floor = [], [], []
    tests: tuple[str, ...] = ()
    with tempfile.TemporaryDirectory() as scratch:
        repo = Path(scratch) / "shop"
        shutil.copytree(EDIT_REPO, repo)
        for i in range(runs):
            cache = BaselineCache()
            started = time.perf_counter()
            outcome = asyncio.run(
                run_repo_tests(_tax_edit(repo, i), sandbox=sandbox, baseline=cache)
            )
            cold.append(time.perf_counter() - started)
            tests = outcome.tests
            started = time.perf_counter()
            asyncio.run(
                run_repo_tests(_tax_edit(repo, i + 1), sandbox=sandbox, baseline=cache)
            )
            warm.append(time.perf_counter() - started)
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "pytest", *PYTEST_FLOOR, *tests],
                cwd=repo,
                env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
                capture_output=True,
                check=True,
            )
            floor.append(time.perf_counter() - started)
    return {
        "sandbox": sandbox.kind,
        "test_files": len(tests),
        "cold_s": round(statistics.median(cold), 3),
        "warm_s": round(statistics.median(warm), 3),
        "floor_host_pytest_s": round(statistics.median(floor), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    result = {
        "writes_small": bench_writes(args.runs * 3, files=5, size=2_000),
        "writes_large": bench_writes(args.runs, files=20, size=200_000),
        "repo_tests_gate": bench_gate(args.runs),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
