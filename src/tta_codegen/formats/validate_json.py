"""The JSON object ``tta-codegen validate --format json`` prints (a contract:
``schemas/validate-v1.schema.json``)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from tta_codegen.findings import Finding
from tta_codegen.state import GateReport, TestOutcome

__all__ = ["ValidateOutput"]


class ValidateOutput(BaseModel):
    """What the gates said about one file (and its tests)."""

    passed: bool
    """No blocking finding: exit code 0."""
    findings: list[Finding] = Field(default_factory=list)
    """Every finding, blocking ones first."""
    profile: str
    """Gate profile that decided what blocks."""
    tests_passed: int = 0
    """Tests that passed."""
    tests_failed: int = 0
    """Tests that failed (each is also a finding)."""
    coverage: float | None = None
    """Line coverage of the code by the tests, percent."""
    mutation_score: float | None = None
    """Share of mutants killed by the tests, 0-1 (with ``--prove``)."""
    timings: dict[str, float] = Field(default_factory=dict)
    """Seconds per gate."""
    tests: list[TestOutcome] = Field(default_factory=list)
    """Each test the tests gate ran: node id, outcome, seconds."""
    schema_version: Literal[1] = 1
    """Version of this JSON shape (``schemas/validate-v1.schema.json``)."""

    @classmethod
    def from_report(cls, report: GateReport) -> ValidateOutput:
        """The output for one gate report."""
        return cls(
            passed=report.passed,
            findings=list(report.findings),
            profile=report.profile,
            tests_passed=report.tests_passed,
            tests_failed=report.tests_failed,
            coverage=report.coverage,
            mutation_score=report.mutation_score,
            timings=report.timings,
            tests=list(report.test_outcomes),
        )
