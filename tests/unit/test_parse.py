import pytest

from tta_codegen.nodes.parse import extract_python

pytestmark = pytest.mark.unit

MODULE = "def f(x: int) -> int:\n    return x + 1\n"


def test_prose_around_a_fenced_block() -> None:
    answer = f"Sure! Here it is:\n\n```python\n{MODULE}```\n\nThis adds one."
    assert extract_python(answer) == MODULE


def test_untagged_and_tilde_fences() -> None:
    assert extract_python(f"```\n{MODULE}```") == MODULE
    assert extract_python(f"~~~py\n{MODULE}~~~") == MODULE


def test_several_blocks_prefers_the_one_that_parses_then_the_longest() -> None:
    broken = "def f(:\n"
    usage = "f(1)\n"
    answer = f"```python\n{broken}```\n```python\n{MODULE}```\n```python\n{usage}```"
    assert extract_python(answer) == MODULE


def test_prefer_picks_the_tests_block_that_imports_the_module() -> None:
    tests = "from calc import f\n\n\ndef test_f() -> None:\n    assert f(1) == 2\n"
    other = "import os\n\n\ndef helper() -> str:\n    return os.sep * 40\n"
    answer = f"```python\n{other}```\n```python\n{tests}```"
    assert extract_python(answer, prefer="calc") == tests


def test_non_python_blocks_are_ignored() -> None:
    answer = f"```bash\npip install x\n```\n```python\n{MODULE}```"
    assert extract_python(answer) == MODULE


def test_bare_code_without_fence() -> None:
    assert extract_python(MODULE) == MODULE


def test_truncated_fence_keeps_what_arrived() -> None:
    assert extract_python(f"```python\n{MODULE}") == MODULE


@pytest.mark.parametrize(
    "answer",
    ["", "I cannot help with that.", "Sorry", "```bash\nls\n```", "```python\n```"],
)
def test_unusable_answers_give_none(answer: str) -> None:
    assert extract_python(answer) is None
