"""Comparing a run on the edited files with the run on the original ones."""

from __future__ import annotations

import pytest

from tta_codegen.gates._repo_findings import compare
from tta_codegen.gates.repo_tests import RepoRun, TestResult

pytestmark = [pytest.mark.unit]

A = "tests/test_a.py::test_one"
B = "tests/test_a.py::test_two"


def run(*results: tuple[str, str], errors: dict[str, str] | None = None) -> RepoRun:
    return RepoRun(
        finished=True,
        results=tuple(
            TestResult(nodeid=node, outcome=outcome, message="boom")  # type: ignore[arg-type]
            for node, outcome in results
        ),
        collect_errors=errors or {},
    )


def codes(before: RepoRun, after: RepoRun) -> list[tuple[str, str]]:
    return [(f.code, f.severity) for f in compare(before, after, [])]


def test_a_run_that_did_not_finish_blocks_only_when_the_baseline_did() -> None:
    stuck = RepoRun(finished=False, problem="killed at the wall-clock limit of 60s")
    [finding] = compare(run((A, "passed")), stuck, [])
    assert (finding.code, finding.severity) == ("run-failed", "error")
    assert "wall-clock limit" in finding.message
    assert codes(stuck, stuck) == [("run-failed", "warning")]


def test_fixed_tests_are_noted_and_vanished_ones_warned() -> None:
    before = run((A, "failed"), (B, "passed"))
    after = run((A, "passed"))
    assert codes(before, after) == [
        ("now-passes", "info"),
        ("test-vanished", "warning"),
    ]


def test_a_file_that_could_not_be_collected_before_is_not_blamed() -> None:
    broken = {"tests/test_a.py": "ImportError: no module named requests"}
    assert codes(run(errors=broken), run(errors=broken)) == [
        ("failing-before", "warning")
    ]
    assert codes(run((A, "passed")), run(errors=broken)) == [
        ("collection-error", "error")
    ]
    assert codes(run(errors=broken), run((A, "failed"))) == [
        ("failing-before", "warning")
    ]
