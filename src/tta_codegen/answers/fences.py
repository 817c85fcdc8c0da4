"""Fenced blocks in an answer: their language, the file they name, their text.

Models mark a file's path in several ways; all are read:
the path alone on the line before the fence (also as ``**path**``, `` `path` ``,
``File: path``), in the fence's info string (```` ```python src/x.py ````,
```` ```src/x.py ````), or as a ``# path: x.py`` / ``# file: x.py`` first line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Block", "blocks", "unterminated_block"]

_FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>[^\n`]*)$")
_PATH = r"[\w./\\-]+\.(?:py|pyi|toml|cfg|ini|txt|md|json|yaml|yml)"
_PATH_LINE = re.compile(
    rf"^\s*(?:#+\s*)?(?:\*\*|`)?(?:(?:file|path|filename)\s*:\s*)?(?:\*\*|`)?"
    rf"(?P<path>{_PATH})(?:\*\*|`)?:?\s*$",
    re.IGNORECASE,
)
_PATH_COMMENT = re.compile(rf"^#\s*(?:file|path)\s*:\s*(?P<path>{_PATH})\s*$", re.I)
_PYTHON_TAGS = {"python", "py", "python3", ""}


@dataclass(frozen=True)
class Block:
    """One fenced block."""

    lang: str
    """The info string's language tag, lower case ("" when untagged)."""
    text: str
    """The block's content, ending with a newline when not empty."""
    path: str | None
    """The file the block is for, when the answer says."""
    start: int
    """Offset of the opening fence in the answer."""

    @property
    def is_python(self) -> bool:
        """Tagged python (or untagged, or tagged with a .py path)."""
        return self.lang in _PYTHON_TAGS or self.lang.endswith((".py", ".pyi"))

    @property
    def is_diff(self) -> bool:
        """Tagged diff or patch."""
        return self.lang in ("diff", "patch", "udiff")


def _info(info: str) -> tuple[str, str | None]:
    words = info.strip().split()
    if not words:
        return "", None
    first = words[0].lower()
    if re.fullmatch(_PATH, words[0]):
        return first, words[0]
    path = next((w for w in words[1:] if re.fullmatch(_PATH, w)), None)
    return first, path


def _path_before(lines: list[str], index: int) -> str | None:
    for back in range(index - 1, max(-1, index - 3), -1):
        line = lines[back]
        if not line.strip():
            continue
        match = _PATH_LINE.match(line)
        return match.group("path") if match else None
    return None


def blocks(text: str) -> list[Block]:
    """Every closed fenced block, in order."""
    lines = text.split("\n")
    found: list[Block] = []
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    i = 0
    while i < len(lines):
        opened = _FENCE_OPEN.match(lines[i])
        if opened is None:
            i += 1
            continue
        fence, indent = opened.group("fence"), opened.group("indent")
        close = re.compile(rf"^{re.escape(indent)}{fence[0]}{{{len(fence)},}}\s*$")
        end = next((j for j in range(i + 1, len(lines)) if close.match(lines[j])), None)
        if end is None:
            break
        lang, path = _info(opened.group("info"))
        body_lines = [
            ln[len(indent) :] if ln.startswith(indent) else ln
            for ln in lines[i + 1 : end]
        ]
        body = "\n".join(body_lines)
        body = body + "\n" if body.strip() else ""
        first = body.split("\n", 1)[0]
        comment = _PATH_COMMENT.match(first)
        if path is None and comment:
            path = comment.group("path")
            body = body.split("\n", 1)[1] if "\n" in body else ""
        path = path or _path_before(lines, i)
        found.append(Block(lang, body, path, offsets[i]))
        i = end + 1
    return found


def unterminated_block(text: str) -> Block | None:
    """The last block when it was opened but never closed (an answer cut off)."""
    lines = text.split("\n")
    open_at: int | None = None
    fence = ""
    for i, line in enumerate(lines):
        if open_at is None:
            opened = _FENCE_OPEN.match(line)
            if opened:
                open_at, fence = i, opened.group("fence")
        elif re.match(rf"^\s*{fence[0]}{{{len(fence)},}}\s*$", line):
            open_at = None
    if open_at is None:
        return None
    opened = _FENCE_OPEN.match(lines[open_at])
    assert opened is not None
    lang, path = _info(opened.group("info"))
    body = "\n".join(lines[open_at + 1 :])
    return Block(lang, body, path, 0)
