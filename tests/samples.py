"""Sample answers a model might give, shared by the tests."""

from __future__ import annotations

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


def fenced(code: str, prose: str = "Here is the module:") -> str:
    """A model-style answer: prose around one fenced block."""
    return f"{prose}\n\n```python\n{code}```\n\nLet me know if you need changes."
