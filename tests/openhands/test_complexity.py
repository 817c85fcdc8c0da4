"""Routing decisions on a table of tasks."""

from __future__ import annotations

import pytest

from tta_codegen.openhands.complexity import (
    COMPLEX_THRESHOLD,
    Complexity,
    choose_route,
    classify_task,
    should_escalate,
)

pytestmark = pytest.mark.unit

SIMPLE_TASKS = [
    "Write a function that returns the n-th Fibonacci number.",
    "Create a dataclass Point with x and y and a distance method.",
    "Implement a circuit breaker class with closed, open and half-open states.",
    "Add a slugify(title) helper that lower-cases and joins words with hyphens.",
    "Write an async retry decorator with exponential backoff and jitter.",
    "Parse an ISO 8601 duration string into a timedelta.",
    "Implement an LRU cache with a max size, as a class with get and put.",
    "Write a Redis connection pool manager class with health checks.",
    "Validate an email address and return a normalised form.",
    "Create a FastAPI request model for a user sign-up form with validation.",
    "Write a token bucket rate limiter for an asyncio service.",
    "Convert a nested dict to a flat dict with dotted keys, in utils.py.",
]

COMPLEX_TASKS = [
    (
        "Refactor across the api, storage and worker modules to use the new "
        "settings object.",
        "cross-cutting change",
    ),
    ("Migrate every module from requests to httpx.", "cross-cutting change"),
    (
        "Update models.py, views.py and serializers.py to add a created_at field.",
        "3 files",
    ),
    (
        "1. Add a Cache protocol\n2. Implement it with Redis\n3. Wire it into the "
        "service layer",
        "3 numbered steps",
    ),
    (
        "Add a config loader and then update the CLI to use it, and then run the "
        "tests.",
        "sequenced steps ('and then')",
    ),
    (
        "Rename get_user to fetch_user everywhere in the codebase and fix the callers.",
        "cross-cutting change",
    ),
    ("Scaffold a new package with a CLI, a config module and tests.", "repository-"),
    (
        "Apply a repository-wide change: add type hints to all public functions.",
        "repository-wide operation",
    ),
    (
        "Split the monolith into services: auth, billing and notifications, then "
        "run the migrations.",
        "needs to run commands",
    ),
    (
        "Step 1: write a parser in parser.py. Step 2: add a CLI in cli.py that "
        "calls it.",
        "numbered steps",
    ),
    (
        "Create the event bus components:\n- publisher\n- subscriber\n- registry\n"
        "- retry queue",
        "listed steps",
    ),
    (
        "Implement caching in the api and storage layers and then run pytest to "
        "check nothing broke.",
        "needs to run commands",
    ),
]


@pytest.mark.parametrize("task", SIMPLE_TASKS)
def test_single_unit_tasks_are_simple(task: str) -> None:
    result = classify_task(task)
    assert result.level == "simple", result
    assert result.score < COMPLEX_THRESHOLD


@pytest.mark.parametrize(("task", "reason"), COMPLEX_TASKS)
def test_multi_step_tasks_are_complex_with_a_named_reason(
    task: str, reason: str
) -> None:
    result = classify_task(task)
    assert result.level == "complex", result
    assert any(reason in r for r in result.reasons), result.reasons


def test_context_paths_count_as_files() -> None:
    task = "Make the two modules share one retry helper."
    alone = classify_task(task)
    with_paths = classify_task(
        task, context_paths=["src/a/retry.py", "src/b/client.py", "src/c/jobs.py"]
    )
    assert with_paths.score > alone.score
    assert with_paths.level == "complex"
    assert "3 files" in with_paths.reasons


def test_template_category_adds_weight() -> None:
    task = "Move the parsing helpers into their own module."
    plain = classify_task(task)
    templated = classify_task(task, template_category="refactoring")
    assert templated.score == plain.score + 1.0
    assert "template category 'refactoring'" in templated.reasons


def test_long_descriptions_add_weight() -> None:
    task = "Implement the parser carefully. " * 80
    assert any("long task" in r for r in classify_task(task).reasons)


def test_simple_task_goes_direct_with_its_score() -> None:
    route, why = choose_route(classify_task(SIMPLE_TASKS[0]), enabled=True)
    assert route == "direct"
    assert why.startswith("simple task (score 0")


def test_complex_task_goes_to_openhands_only_when_enabled() -> None:
    complexity = classify_task(COMPLEX_TASKS[2][0])
    assert choose_route(complexity, enabled=True) == (
        "openhands",
        "complex multi-step task (3 files)",
    )
    route, why = choose_route(complexity, enabled=False)
    assert route == "direct"
    assert why == (
        "complex multi-step task (3 files) but OpenHands is postponed (ADR-001)"
    )


COMPLEX = Complexity(level="complex", score=3.0, reasons=("3 files",))
SIMPLE = Complexity(level="simple", score=0.0, reasons=())


@pytest.mark.parametrize(
    ("complexity", "enabled", "stalled", "left", "expected", "phrase"),
    [
        (COMPLEX, True, True, 2, True, "refinement stalled"),
        (COMPLEX, True, False, 0, True, "ran out of iterations"),
        (COMPLEX, True, False, 2, False, "still making progress"),
        (COMPLEX, False, True, 0, False, "postponed (ADR-001)"),
        (SIMPLE, True, True, 0, False, "simple task"),
    ],
)
def test_escalation_only_for_stalled_complex_tasks_when_enabled(
    complexity: Complexity,
    enabled: bool,
    stalled: bool,
    left: int,
    expected: bool,
    phrase: str,
) -> None:
    escalate, why = should_escalate(
        complexity.level, enabled=enabled, stalled=stalled, iterations_left=left
    )
    assert escalate is expected
    assert phrase in why


def test_a_run_is_escalated_at_most_once() -> None:
    escalate, why = should_escalate(
        "complex",
        enabled=True,
        stalled=True,
        iterations_left=0,
        already_escalated=True,
    )
    assert not escalate
    assert "already" in why
