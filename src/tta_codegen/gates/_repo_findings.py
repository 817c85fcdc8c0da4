"""One sandboxed run of a repository's tests, and the findings of comparing
the run on the edited files with the run on the original ones."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from tta_codegen.findings import Finding, Severity
from tta_codegen.gates._process import ExecResult

__all__ = ["GATE", "RepoRun", "TestResult", "compare", "parse_run"]

GATE = "repo-tests"
"""The gate name on every finding of this gate."""
_RANK = {"passed": 0, "skipped": 1, "failed": 2}


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TestResult(_Value):
    """One test's outcome in one run (its phases folded together)."""

    __test__: ClassVar[bool] = False  # a value type, not a pytest test class

    nodeid: str
    """pytest node id, relative to the repository root."""
    outcome: Literal["passed", "failed", "skipped"]
    message: str = ""
    """The first failure's message (assertion, exception)."""
    line: int | None = None
    """Line of the test function."""

    @property
    def path(self) -> str:
        """The test file, relative to the repository root."""
        return self.nodeid.split("::")[0]


class RepoRun(_Value):
    """What one run of the chosen tests did."""

    finished: bool
    """pytest ran to its end (not killed, not crashed)."""
    problem: str = ""
    """Why it did not finish."""
    results: tuple[TestResult, ...] = ()
    collect_errors: dict[str, str] = {}
    """Test file -> why it could not be collected (the last line)."""
    addopts_dropped: bool = False
    """The project's pytest ``addopts`` could not be used and were left out."""
    duration_s: float = 0.0

    def by_id(self) -> dict[str, TestResult]:
        """Results keyed by node id."""
        return {r.nodeid: r for r in self.results}


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("E ")]
    return (errors[-1][2:].strip() if errors else lines[-1] if lines else "")[:400]


def _fold(items: Iterable[dict[str, Any]]) -> tuple[TestResult, ...]:
    folded: dict[str, TestResult] = {}
    for item in items:
        node = item["nodeid"]
        seen = folded.get(node)
        if seen is not None and _RANK[seen.outcome] >= _RANK[item["outcome"]]:
            continue
        folded[node] = TestResult(
            nodeid=node,
            outcome=item["outcome"],
            message=" ".join(item["message"].strip().splitlines()[:3])[:400],
            line=item.get("line"),
        )
    return tuple(folded.values())


def parse_run(result: ExecResult, output: str | None) -> RepoRun:
    """The runner's result file (or why there is none) as a ``RepoRun``."""
    try:
        data: dict[str, Any] = json.loads(output or "")
    except ValueError:
        data = {}
    if "results" not in data:
        if result.killed_reason is not None:
            why = f"killed at the {result.killed_reason}"
        else:
            tail = " | ".join(result.stderr.strip().splitlines()[-3:])
            why = f"exit status {result.returncode}: {tail}"[:400]
        return RepoRun(finished=False, problem=why, duration_s=result.duration_s)
    return RepoRun(
        finished=True,
        results=_fold(data["results"]),
        collect_errors={
            e["path"]: _last_line(e["message"]) for e in data["collect_errors"]
        },
        addopts_dropped=bool(data.get("addopts_dropped")),
        duration_s=result.duration_s,
    )


def _finding(
    severity: Severity, code: str, message: str, path: str, line: int | None
) -> Finding:
    return Finding(
        gate=GATE,
        severity=severity,
        code=code,
        message=message[:600],
        path=path,
        line=line,
    )


def _failure(
    result: TestResult, old: TestResult | None, before: RepoRun, new_files: set[str]
) -> Finding:
    """A failing test: blamed on the edit unless it failed before it too."""
    where = (result.path, result.line)
    failed_before = (old is not None and old.outcome == "failed") or (
        old is None and result.path in before.collect_errors
    )
    if failed_before:
        return _finding(
            "warning",
            "failing-before",
            f"{result.nodeid} already failed before the edit (not caused by it): "
            f"{result.message}",
            *where,
        )
    if result.path in new_files:
        return _finding(
            "error",
            "new-test-fails",
            f"{result.nodeid} (a new test) fails: {result.message}",
            *where,
        )
    return _finding(
        "error",
        "regression",
        f"{result.nodeid} passed before the edit and fails after it: {result.message}",
        *where,
    )


def _test_findings(
    before: RepoRun, after: RepoRun, new_files: set[str]
) -> list[Finding]:
    found: list[Finding] = []
    earlier = before.by_id()
    for result in after.results:
        old = earlier.get(result.nodeid)
        if result.outcome == "failed":
            found.append(_failure(result, old, before, new_files))
        elif result.outcome == "passed" and old is not None and old.outcome == "failed":
            found.append(
                _finding(
                    "info",
                    "now-passes",
                    f"{result.nodeid} failed before the edit and passes after it",
                    result.path,
                    result.line,
                )
            )
    return found


def _collection_findings(before: RepoRun, after: RepoRun) -> list[Finding]:
    found: list[Finding] = []
    for path, why in after.collect_errors.items():
        if path in before.collect_errors:
            found.append(
                _finding(
                    "warning",
                    "failing-before",
                    f"{path} could not be collected before the edit either: {why}",
                    path,
                    None,
                )
            )
        else:
            found.append(
                _finding(
                    "error",
                    "collection-error",
                    f"{path} cannot be collected after the edit: {why}",
                    path,
                    None,
                )
            )
    return found


def _vanished(before: RepoRun, after: RepoRun) -> list[Finding]:
    now = after.by_id()
    return [
        _finding(
            "warning",
            "test-vanished",
            f"{r.nodeid} ran before the edit and does not run after it",
            r.path,
            r.line,
        )
        for r in before.results
        if r.outcome == "passed"
        and r.nodeid not in now
        and r.path not in after.collect_errors
    ]


def compare(before: RepoRun, after: RepoRun, new_files: Iterable[str]) -> list[Finding]:
    """Findings of the edited run against the baseline: a test that passed and
    now fails blocks; one that already failed is advice, not blamed on the edit."""
    if not after.finished:
        severity: Severity = "error" if before.finished else "warning"
        return [
            _finding(
                severity,
                "run-failed",
                "the repository's tests did not finish "
                f"on the edited files ({after.problem})",
                "",
                None,
            )
        ]
    found = _collection_findings(before, after)
    found += _test_findings(before, after, set(new_files))
    found += _vanished(before, after)
    if after.addopts_dropped:
        found.append(
            _finding(
                "info",
                "addopts-dropped",
                "the project's pytest addopts could "
                "not be used in the sandbox (a plugin is missing); the tests "
                "ran without them",
                "",
                None,
            )
        )
    return found
