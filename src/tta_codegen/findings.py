"""Structured findings: what gates (and answer checks) found, and the policy on them.

A finding is a value, not an exception: gates return them, the graph keeps them
in state, and the refine prompt is built from them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, computed_field

__all__ = [
    "Finding",
    "Severity",
    "Target",
    "blocking",
    "blocking_fingerprints",
    "code_blocked",
    "is_stalled",
    "unique_by_fingerprint",
]

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


def blocking(findings: Iterable[Finding]) -> list[Finding]:
    """The findings that block acceptance."""
    return [f for f in findings if f.blocking]


def code_blocked(findings: Iterable[Finding]) -> bool:
    """True when a blocking finding is about the code (not only its tests):
    the code must be refined before tests are written or it is accepted."""
    return any(f.target == "code" for f in blocking(findings))


def blocking_fingerprints(findings: Iterable[Finding]) -> list[str]:
    """Sorted, de-duplicated fingerprints of the blocking findings (one entry of
    the finding history used for stall detection)."""
    return sorted({f.fingerprint for f in blocking(findings)})


def is_stalled(finding_history: list[list[str]]) -> bool:
    """True when the last two validate passes blocked on the same findings."""
    if len(finding_history) < 2:
        return False
    last, previous = finding_history[-1], finding_history[-2]
    return bool(last) and set(last) == set(previous)


def unique_by_fingerprint(findings: Iterable[Finding]) -> list[Finding]:
    """Findings with duplicates (same fingerprint) removed, first kept."""
    seen: set[str] = set()
    out: list[Finding] = []
    for finding in findings:
        if finding.fingerprint not in seen:
            seen.add(finding.fingerprint)
            out.append(finding)
    return out
