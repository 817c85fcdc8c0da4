"""Sample answers a model might give, shared by the tests."""

from __future__ import annotations

from pathlib import Path

GOOD_CODE = '''"""Integer helpers."""


def add(a: int, b: int) -> int:
    """Return the sum of a and b."""
    return a + b
'''

BUGGY_CODE = GOOD_CODE.replace("return a + b", "return a + c")

GOOD_TESTS = """from calc import add


def test_add_small_numbers() -> None:
    assert add(1, 2) == 3


def test_add_negative() -> None:
    assert add(-4, 1) == -3
"""

REFINED_RUN_NODES = [
    "select_model",
    "build_context",
    "route",
    "generate",
    "validate",
    "refine",
    "validate",
    "generate_tests",
    "validate",
    "write_output",
]
"""The nodes a run that refines its first draft once goes through, in order."""


def fenced(code: str, prose: str = "Here is the module:") -> str:
    """A model-style answer: prose around one fenced block."""
    return f"{prose}\n\n```python\n{code}```\n\nLet me know if you need changes."


def retry_at_once(config: Path, retries_per_model: int | None = None) -> Path:
    """Retry a failed call without waiting (and, when given, this many times a
    model), in a config made by the ``config_file`` fixture (the backoff's
    delays are checked with a recorded sleep in tests/models)."""
    routing = "\n[routing]\nbackoff_initial_s = 0\n"
    if retries_per_model is not None:
        routing += f"retries_per_model = {retries_per_model}\n"
    config.write_text(config.read_text() + routing)
    return config


def with_final_checks(config: Path) -> None:
    """Turn the final validate's re-runs and mutants back on in a config made by
    the ``config_file`` fixture (which turns them off)."""
    text = config.read_text()
    assert "mutation = false\nreruns = 0\n" in text
    config.write_text(
        text.replace("mutation = false\nreruns = 0\n", "mutation = true\nreruns = 2\n")
    )
