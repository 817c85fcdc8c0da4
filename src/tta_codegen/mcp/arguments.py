"""Tool arguments to requests: paths resolved and checked, then ``build_request``.

Relative paths are taken from the server's working folder (the ``cwd`` in the
client's server config). Over HTTP every path must stay inside that folder:
whoever holds the token may not read or write elsewhere on the machine.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tta_codegen.errors import InputError
from tta_codegen.inputs import build_request
from tta_codegen.settings import Settings
from tta_codegen.state import CodegenRequest
from tta_codegen.utf8 import decode_utf8

__all__ = ["GenerateArguments", "Workspace"]


@dataclass(frozen=True)
class Workspace:
    """Where the tools' paths live."""

    root: Path
    """Relative paths are resolved against this folder."""
    confined: bool = False
    """Refuse paths outside ``root`` (set when serving over HTTP)."""

    def path(self, raw: str, argument: str) -> Path:
        """``raw`` as an absolute path; InputError if empty or out of bounds."""
        if not raw.strip():
            raise InputError(f"{argument} is empty: give a file path")
        path = Path(raw).expanduser()
        path = (path if path.is_absolute() else self.root / path).resolve()
        if self.confined and not path.is_relative_to(self.root):
            raise InputError(
                f"{argument} {raw} is outside the served folder {self.root}"
            )
        return path

    def read(self, raw: str, argument: str) -> str:
        """The text of the file at ``raw``."""
        path = self.path(raw, argument)
        if not path.is_file():
            raise InputError(f"{argument} {raw}: no such file")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"{argument} {raw} cannot be read: {exc}") from None
        return decode_utf8(data, f"{argument} {raw}")


@dataclass(frozen=True)
class GenerateArguments:
    """What ``generate`` was called with (mirrors ``CodegenRequest``)."""

    task: str = ""
    template: str | None = None
    template_vars: dict[str, str] | None = None
    out_path: str | None = None
    tests_out_path: str | None = None
    model: str | None = None
    max_iterations: int | None = None
    review: bool = False
    context_paths: tuple[str, ...] = ()
    context_type: str | None = None
    existing_tests_path: str | None = None

    def to_request(self, settings: Settings, workspace: Workspace) -> CodegenRequest:
        """The validated request; InputError naming the argument at fault."""
        if not self.task.strip() and self.template is None:
            raise InputError(
                "task is empty: say what to build (or give a template)",
                hint="e.g. task='a token-bucket rate limiter', "
                "out_path='rate_limiter.py'",
            )
        variables = self.template_vars or {}
        if any(not key.strip() or "=" in key for key in variables):
            raise InputError("template_vars: every name must be non-empty, without '='")

        def optional(raw: str | None, argument: str) -> Path | None:
            return None if raw is None else workspace.path(raw, argument)

        return build_request(
            settings,
            task=self.task,
            template=self.template,
            raw_vars=[f"{key}={value}" for key, value in variables.items()],
            out=optional(self.out_path, "out_path"),
            tests_out=optional(self.tests_out_path, "tests_out_path"),
            model=self.model,
            max_iterations=self.max_iterations,
            review=self.review,
            context=[workspace.path(p, "context_paths") for p in self.context_paths],
            context_type=self.context_type,
            existing_tests=optional(self.existing_tests_path, "existing_tests_path"),
        )
