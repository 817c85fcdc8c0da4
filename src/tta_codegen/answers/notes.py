"""What reading an answer found: repairs made and problems that need a new answer."""

from __future__ import annotations

from dataclasses import dataclass

from tta_codegen.findings import Finding, Severity, Target

__all__ = ["AnswerNote"]


@dataclass(frozen=True)
class AnswerNote:
    """One thing about a model's answer the user (and the next prompt) should see.

    ``error`` means the answer could not be used as it was and the model is asked
    again; ``warning`` and ``info`` record a repair that was made.
    """

    code: str
    """Stable id: truncated, placeholder, names-restored, diff-applied..."""
    severity: Severity
    message: str
    """One sentence a developer (and the model) can act on."""

    @property
    def needs_new_answer(self) -> bool:
        """True when the answer cannot be used: ask the model again."""
        return self.severity == "error"

    def finding(self, *, path: str, target: Target = "code") -> Finding:
        """The note as a finding of the ``answer`` gate, on ``path``."""
        return Finding(
            gate="answer",
            severity=self.severity,
            code=self.code,
            message=self.message,
            path=path,
            target=target,
        )
