"""Helpers that make the refine loop converge instead of spinning to the cap."""

from __future__ import annotations

from tta_codegen.gates.findings import Finding, blocking, unique_by_fingerprint

__all__ = ["blocking_fingerprints", "is_stalled", "unique_by_fingerprint"]


def blocking_fingerprints(findings: list[Finding] | tuple[Finding, ...]) -> list[str]:
    """Sorted, de-duplicated fingerprints of the blocking findings (one history
    entry for ``CodegenState.finding_history``)."""
    return sorted({f.fingerprint for f in blocking(list(findings))})


def is_stalled(finding_history: list[list[str]]) -> bool:
    """True when the last two validate passes blocked on the same findings."""
    if len(finding_history) < 2:
        return False
    last, previous = finding_history[-1], finding_history[-2]
    return bool(last) and set(last) == set(previous)
