"""One error tree for tta-codegen, and the process exit codes.

Vendor exceptions (openai, httpx, redis, sqlite) are translated into these at the
edge; nothing above that layer catches a vendor's exception. Each error carries a
stable ``code`` (shown to users, searchable in the README), the process exit
code the CLI uses for it, and the ``kind`` recorded in a run's result when the
run ends on it. Its message and hint are redacted when it is made (no API key
or token survives into a checkpoint, a span, a log line or the terminal).
"""

from __future__ import annotations

from enum import IntEnum
from typing import ClassVar, Literal

__all__ = [
    "BudgetExceededError",
    "ChangeError",
    "CheckpointError",
    "CodegenError",
    "ConfigError",
    "ConflictError",
    "ErrorKind",
    "ExistingFileError",
    "ExitCode",
    "InputError",
    "ModelCallError",
    "ModelUnavailableError",
    "NoUsableModelError",
    "ProviderUnreachableError",
    "RecoveryError",
    "ReviewRejected",
    "SandboxError",
    "StoreUnavailableError",
    "TemplateError",
    "ThreadBusyError",
    "UnsafePathError",
    "WriteError",
    "error_class",
]


class ExitCode(IntEnum):
    """What the ``tta-codegen`` process exits with (a fixed contract)."""

    SUCCEEDED = 0
    """Succeeded, or stopped for review."""
    GATES_FAILED = 1
    """Finished, but the gates still fail, or the review rejected the draft."""
    BAD_INPUT = 2
    """Bad input or configuration, or a store the run needs is unusable."""
    NO_MODEL = 3
    """No model could answer (all failed, or a budget is exhausted)."""
    BUSY = 4
    """Another process is running this thread now (it holds the run lease)."""
    INTERRUPTED = 130
    """Interrupted (Ctrl-C); the run is resumable."""


ErrorKind = Literal["model", "budget", "input", "store", "review"]
"""Why a run ended without an accepted answer (``error_kind`` in the result)."""


def _scrubbed(text: str) -> str:
    """``text`` without secrets: an error's text is checkpointed, logged, traced
    and printed, so it is redacted once, where it is made."""
    from tta_codegen.telemetry.redact import redact  # noqa: PLC0415  (cycle guard)

    return redact(text)


class CodegenError(Exception):
    """Base of every error tta-codegen raises on purpose."""

    code: ClassVar[str] = "TTA000"
    exit_code: ClassVar[ExitCode] = ExitCode.GATES_FAILED
    kind: ClassVar[ErrorKind] = "input"

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        message = _scrubbed(message)
        super().__init__(message)
        self.message = message
        """What went wrong, with secrets already replaced by ``[REDACTED]``."""
        self.hint = None if hint is None else _scrubbed(hint)

    def __str__(self) -> str:
        return self.message if self.hint is None else f"{self.message} ({self.hint})"


class InputError(CodegenError):
    """The user's input (task, paths, flags) cannot be used."""

    code = "TTA100"
    exit_code = ExitCode.BAD_INPUT


class ConfigError(CodegenError):
    """The configuration file or environment is invalid or incomplete."""

    code = "TTA101"
    exit_code = ExitCode.BAD_INPUT


class NoUsableModelError(ConfigError):
    """No model can be called: the pinned one, or every catalog model, lacks
    what its provider needs (an API key)."""

    code = "TTA103"


class TemplateError(InputError):
    """A prompt template is unknown, malformed, or missing variables."""

    code = "TTA102"


class CheckpointError(CodegenError):
    """The checkpoint store cannot be opened or holds unusable data."""

    code = "TTA200"
    exit_code = ExitCode.BAD_INPUT
    kind: ClassVar[ErrorKind] = "store"


class StoreUnavailableError(CheckpointError):
    """A store a run depends on (the checkpoints, or the shared model stats and
    budgets in Redis) cannot be reached or stopped answering.

    Every finished step before the outage is saved; the run resumes once the
    store is back.
    """

    code = "TTA201"


class ThreadBusyError(CheckpointError):
    """Another process holds the thread's run lease: it is running the thread."""

    code = "TTA202"
    exit_code = ExitCode.BUSY


class ModelCallError(CodegenError):
    """One call to one model failed (after its own retries).

    ``retryable`` tells the fallback layer whether another attempt at the same
    model could help (429, 5xx, timeouts, dropped streams, malformed answers).
    """

    code = "TTA300"
    exit_code = ExitCode.NO_MODEL
    kind: ClassVar[ErrorKind] = "model"

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
    exit_code = ExitCode.NO_MODEL
    kind: ClassVar[ErrorKind] = "model"


class BudgetExceededError(ModelUnavailableError):
    """A spend limit would be exceeded by the next call, so it was not made."""

    code = "TTA302"
    kind: ClassVar[ErrorKind] = "budget"


class ProviderUnreachableError(CodegenError):
    """A provider's model list could not be fetched."""

    code = "TTA303"
    exit_code = ExitCode.NO_MODEL
    kind: ClassVar[ErrorKind] = "model"


class SandboxError(CodegenError):
    """The sandbox that runs untrusted code could not be started."""

    code = "TTA400"
    exit_code = ExitCode.BAD_INPUT


class ReviewRejected(CodegenError):
    """A reviewer rejected the draft; nothing was written. (Recorded in the
    result, never raised out of a run.)"""

    code = "TTA500"
    exit_code = ExitCode.GATES_FAILED
    kind: ClassVar[ErrorKind] = "review"


class ChangeError(CodegenError):
    """A set of file changes could not be made; no file was changed."""

    code = "TTA600"
    exit_code = ExitCode.BAD_INPUT


class ConflictError(ChangeError):
    """Files changed on disk since a run read them (or since it wrote them, for
    an undo): nothing was written, so nobody's edit is lost."""

    code = "TTA601"

    def __init__(
        self, message: str, *, paths: tuple[str, ...], hint: str | None = None
    ) -> None:
        super().__init__(message, hint=hint)
        self.paths = paths
        """The files that changed."""


class UnsafePathError(ChangeError):
    """A path leaves the folder a change set may write in (``..``, a symlink
    pointing out, an absolute path elsewhere), or is not a regular file."""

    code = "TTA602"


class RecoveryError(ChangeError):
    """An interrupted change set could not be finished or rolled back; its
    journal is kept so nothing is lost."""

    code = "TTA603"


class ExistingFileError(ChangeError):
    """A file the run would write exists already, and nobody said it may be
    replaced (``--force``, or approving the draft in review): nothing was written."""

    code = "TTA604"

    def __init__(
        self, message: str, *, paths: tuple[str, ...], hint: str | None = None
    ) -> None:
        super().__init__(message, hint=hint)
        self.paths = paths
        """The files that exist."""


class WriteError(ChangeError):
    """The accepted files could not be written (a folder gone, the disk full,
    permissions changed). The run's work is kept: resume once it is fixed."""

    code = "TTA605"


_BY_KIND: dict[ErrorKind, type[CodegenError]] = {
    "model": ModelUnavailableError,
    "budget": BudgetExceededError,
    "input": InputError,
    "store": StoreUnavailableError,
    "review": ReviewRejected,
}


def error_class(kind: ErrorKind) -> type[CodegenError]:
    """The error class a result's ``error_kind`` stands for (its exit code)."""
    return _BY_KIND[kind]
