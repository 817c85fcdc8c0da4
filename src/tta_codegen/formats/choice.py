"""Which output format a command prints (cheap to import: the CLI needs it first)."""

from __future__ import annotations

from typing import Literal

from tta_codegen.errors import InputError

__all__ = ["FORMATS", "OutputFormat", "choose_format"]

OutputFormat = Literal["json", "sarif", "junit"]
FORMATS: tuple[OutputFormat, ...] = ("json", "sarif", "junit")


def choose_format(
    output_format: OutputFormat | None, json_flag: bool
) -> OutputFormat | None:
    """``--json`` is ``--format json``; asking for two formats is an input error."""
    if json_flag and output_format not in (None, "json"):
        raise InputError(
            f"--json and --format {output_format} ask for two formats",
            hint="give one of them",
        )
    return "json" if json_flag else output_format
