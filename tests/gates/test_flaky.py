"""Dropping flaky tests from a tests file."""

from __future__ import annotations

import pytest

from tta_codegen.gates import drop_tests

pytestmark = [pytest.mark.unit]

TESTS = """import pytest


@pytest.mark.unit
def test_flaky() -> None:
    assert True


def test_kept() -> None:
    assert 1


class TestGroup:
    def test_flaky_method(self) -> None:
        pass

    def test_kept_method(self) -> None:
        pass
"""


def test_named_tests_are_removed_with_their_decorators() -> None:
    out = drop_tests(TESTS, ["test_flaky", "TestGroup.test_flaky_method"])
    assert "test_flaky" not in out
    assert "@pytest.mark.unit" not in out
    assert "def test_kept()" in out and "def test_kept_method" in out


def test_unknown_names_change_nothing() -> None:
    assert drop_tests(TESTS, ["test_nope"]) == TESTS
