"""Structured findings produced by quality gates.

A finding is a value, not an exception: gates return them, the graph keeps them
in state, and the refine prompt is built from them.
"""

from __future__ import annotations

import hashlib
from typing import Literal

from pydantic import BaseModel, ConfigDict, computed_field

__all__ = ["Finding", "Severity", "Target", "blocking", "unique_by_fingerprint"]

Severity = Literal["error", "warning", "info"]
Target = Literal["code", "tests"]


class Finding(BaseModel):
    """One problem a gate found in the generated code or tests."""

    model_config = ConfigDict(frozen=True)

    gate: str
    """Which gate produced it: syntax, ruff, mypy, bandit, import, tests, coverage,
    mutation, parse, safety, review."""
    severity: Severity
    """error blocks acceptance; warning and info are advice fed to refinement."""
    message: str
    """What is wrong, in one sentence a developer (and a model) can act on."""
    code: str = ""
    """The tool's rule code (F821, E999, B602, arg-type...) when it has one."""
    path: str = ""
    """File the finding is about, relative to the output (module or tests file)."""
    line: int | None = None
    """1-based line, when known."""
    target: Target = "code"
    """Whether fixing it means changing the code or the tests."""

    @computed_field  # type: ignore[prop-decorator]
    @property
    def fingerprint(self) -> str:
        """Stable identity for de-duplication and stall detection.

        Line numbers are left out on purpose: a refinement that moves a problem
        down two lines has not fixed it.
        """
        key = "\x1f".join((self.gate, self.code, self.target, self.message))
        return hashlib.sha256(key.encode()).hexdigest()[:16]

    @property
    def blocking(self) -> bool:
        """True when this finding alone keeps the draft from being accepted."""
        return self.severity == "error"


def blocking(findings: list[Finding]) -> list[Finding]:
    """The findings that block acceptance."""
    return [f for f in findings if f.blocking]


def unique_by_fingerprint(findings: list[Finding]) -> list[Finding]:
    """Findings with duplicates (same fingerprint) removed, first kept."""
    seen: set[str] = set()
    out: list[Finding] = []
    for finding in findings:
        if finding.fingerprint not in seen:
            seen.add(finding.fingerprint)
            out.append(finding)
    return out
