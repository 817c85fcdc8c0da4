"""One error tree for tta-codegen.

Vendor exceptions (openai, httpx, redis, sqlite) are translated into these at the
edge; nothing above that layer catches a vendor's exception. Each error carries a
stable ``code`` (shown to users, searchable in the README) and the process exit
code the CLI uses for it.
"""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "BudgetExceededError",
    "CheckpointError",
    "CodegenError",
    "ConfigError",
    "InputError",
    "ModelCallError",
    "ModelUnavailableError",
    "SandboxError",
    "TemplateError",
]


class CodegenError(Exception):
    """Base of every error tta-codegen raises on purpose."""

    code: ClassVar[str] = "TTA000"
    exit_code: ClassVar[int] = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if self.hint is None else f"{self.message} ({self.hint})"


class InputError(CodegenError):
    """The user's input (task, paths, flags) cannot be used."""

    code = "TTA100"
    exit_code = 2


class ConfigError(CodegenError):
    """The configuration file or environment is invalid or incomplete."""

    code = "TTA101"
    exit_code = 2


class TemplateError(InputError):
    """A prompt template is unknown, malformed, or missing variables."""

    code = "TTA102"


class CheckpointError(CodegenError):
    """The checkpoint store cannot be opened or holds unusable data."""

    code = "TTA200"
    exit_code = 2


class ModelCallError(CodegenError):
    """One call to one model failed (after its own retries).

    ``retryable`` tells the fallback layer whether another attempt at the same
    model could help (429, 5xx, timeouts, dropped streams).
    """

    code = "TTA300"
    exit_code = 3

    def __init__(
        self,
        message: str,
        *,
        model: str,
        retryable: bool,
        status: int | None = None,
        retry_after_s: float | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.model = model
        self.retryable = retryable
        self.status = status
        self.retry_after_s = retry_after_s


class ModelUnavailableError(CodegenError):
    """No candidate model could answer: all failed, were skipped, or were refused."""

    code = "TTA301"
    exit_code = 3


class BudgetExceededError(ModelUnavailableError):
    """A spend limit would be exceeded by the next call, so it was not made."""

    code = "TTA302"
    exit_code = 3


class SandboxError(CodegenError):
    """The sandbox that runs untrusted code could not be started."""

    code = "TTA400"
    exit_code = 2
