"""The answer corpus: every shape, its file and what the user is told."""

from __future__ import annotations

import pytest
from tests.answers.corpus import CASES, MODULE, Case, fenced

from tta_codegen.answers import read_module_answer

pytestmark = pytest.mark.unit


def test_the_corpus_covers_at_least_twenty_shapes() -> None:
    assert len(CASES) >= 20


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_each_answer_shape(case: Case) -> None:
    answer = read_module_answer(
        case.answer,
        module_name=case.module,
        previous=case.previous,
        finish_reason=case.finish_reason,
        target="tests" if case.target == "tests" else "code",
    )
    assert answer.source == case.expect
    codes = [n.code for n in answer.notes]
    for code in case.notes:
        assert code in codes, (code, answer.notes)
    if case.expect is None:
        assert any(n.needs_new_answer for n in answer.notes)
    else:
        assert not any(n.needs_new_answer for n in answer.notes), answer.notes
        assert "# ..." not in case.expect
    if case.tests_too is not None:
        assert answer.tests == case.tests_too


def test_a_truncated_answer_keeps_what_arrived_for_a_continuation() -> None:
    answer = read_module_answer(
        fenced(MODULE), module_name="slug", finish_reason="length"
    )
    assert answer.source is None and answer.partial is not None
    assert answer.partial.startswith('"""Slugs for titles."""')


def test_notes_become_findings_of_the_answer_gate() -> None:
    answer = read_module_answer("", module_name="slug")
    (finding,) = [n.finding(path="slug.py") for n in answer.notes]
    assert (finding.gate, finding.code, finding.severity) == (
        "answer",
        "empty",
        "error",
    )


def test_a_two_megabyte_answer_is_read_whole() -> None:
    # its reading time is in bench/runaway_answer.py, not a pass/fail limit here
    big = "x = 1\n" * 350_000
    answer = read_module_answer(fenced(big), module_name="big")
    assert answer.source == big
