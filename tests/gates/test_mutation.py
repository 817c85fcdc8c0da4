"""The built-in mutation pass."""

from __future__ import annotations

import ast

import pytest

from tta_codegen.gates import make_mutants

pytestmark = [pytest.mark.unit]

CODE = '''"""Module doc."""

LIMIT = 10


def below(values: list[int], limit: int = LIMIT) -> list[int]:
    """Values under the limit."""
    out = []
    for v in values:
        if v < limit and v != 0:
            out.append(v * 2)
    return out


def is_even(n: int) -> bool:
    if n % 2 == 0:
        return True
    return False
'''


def test_mutants_are_valid_distinct_programs() -> None:
    mutants = make_mutants(CODE, limit=50)
    sources = {m.source for m in mutants}
    assert len(sources) == len(mutants) > 8
    assert ast.unparse(ast.parse(CODE)) not in sources
    for mutant in mutants:
        ast.parse(mutant.source)


def test_mutants_cover_the_operator_families() -> None:
    descriptions = " | ".join(m.description for m in make_mutants(CODE, limit=100))
    for expected in (
        "'<' -> '<='",
        "'!=' -> '=='",
        "'*' -> '+'",
        "'and' -> 'or'",
        "condition negated",
        "return True -> return False",
        "return value replaced by None",
        "statement removed",
        "constant 2 -> 3",
    ):
        assert expected in descriptions


def test_cap_is_respected_and_spread_over_functions() -> None:
    mutants = make_mutants(CODE, limit=4)
    assert len(mutants) == 4
    assert {m.function for m in mutants} == {"below", "is_even"}


def test_module_level_code_is_not_mutated() -> None:
    assert make_mutants("LIMIT = 10\nNAMES = ['a'] * 3\n", limit=10) == []
    assert make_mutants("def broken(:\n", limit=10) == []
