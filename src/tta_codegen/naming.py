"""File names derived from the module under generation (one rule, used everywhere)."""

from __future__ import annotations

__all__ = ["locked_tests_file_name", "module_file_name", "tests_file_name"]


def module_file_name(module_name: str) -> str:
    """``rate_limiter`` -> ``rate_limiter.py``."""
    return f"{module_name}.py"


def tests_file_name(module_name: str) -> str:
    """The generated tests' file: ``test_rate_limiter.py``."""
    return f"test_{module_name}.py"


def locked_tests_file_name(module_name: str) -> str:
    """The user's own (locked) tests, kept apart: ``test_rate_limiter_locked.py``."""
    return f"test_{module_name}_locked.py"
