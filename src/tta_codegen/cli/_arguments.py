"""Command-line arguments before any command sees them: checked for UTF-8, and
the global ``--config`` taken from wherever it was written."""

from __future__ import annotations

from collections.abc import Sequence

from tta_codegen.utf8 import first_bad_byte, require_utf8

__all__ = ["config_first", "require_utf8_arguments"]

_SHOWN_CHARS = 40


def _shown(arg: str) -> str:
    raw = arg.encode("utf-8", "surrogateescape")
    text = raw.decode("utf-8", "backslashreplace")
    return f"'{text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS] + '...'}'"


def _where(args: Sequence[str], index: int) -> tuple[str, str]:
    """What to call ``args[index]`` in an error, and the text to check."""
    arg = args[index]
    name, equals, value = arg.partition("=")
    if arg.startswith("--") and equals and name.isascii():
        return f"the value of {name}", value
    previous = args[index - 1] if index else ""
    if previous.startswith("-") and "=" not in previous and previous.isascii():
        return f"the value of {previous}", arg
    return f"command-line argument {index + 1} ({_shown(arg)})", arg


def require_utf8_arguments(args: Sequence[str]) -> None:
    """InputError naming the first argument that is not valid UTF-8 (which
    option's value, or which argument) and the offset of its bad byte."""
    for index, arg in enumerate(args):
        if first_bad_byte(arg) is not None:
            where, text = _where(args, index)
            require_utf8(text, where)


def config_first(args: Sequence[str]) -> list[str]:
    """``args`` with every ``--config PATH`` (or ``--config=PATH``) moved to the
    front, where the root command reads it: ``tta-codegen resume ID --config F``
    means ``tta-codegen --config F resume ID``. Nothing after ``--`` moves."""
    moved: list[str] = []
    kept: list[str] = []
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--":
            kept += args[index:]
            break
        if arg == "--config" and index + 1 < len(args):
            moved += args[index : index + 2]
            index += 2
            continue
        (moved if arg.startswith("--config=") else kept).append(arg)
        index += 1
    return moved + kept
