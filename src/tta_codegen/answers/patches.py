"""Edits a model sends instead of whole files: SEARCH/REPLACE blocks and unified
diffs, parsed per file and applied strictly to the current text."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

__all__ = [
    "Hunk",
    "Mismatch",
    "Replacement",
    "apply_hunks",
    "apply_replacement",
    "nearest_lines",
    "parse_search_replace",
    "parse_unified_diff",
]

_SR = re.compile(
    r"^<{5,9} ?SEARCH[^\n]*\n(?P<search>.*?)^={5,9}[ \t]*\n(?P<replace>.*?)"
    r"^>{5,9} ?REPLACE[^\n]*$",
    re.MULTILINE | re.DOTALL,
)
_DIFF_FILE = re.compile(r"^--- (?P<old>\S+)[^\n]*\n\+\+\+ (?P<new>\S+)[^\n]*$", re.M)
_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@.*$")


@dataclass(frozen=True)
class Replacement:
    """One SEARCH/REPLACE block."""

    path: str | None
    search: str
    replace: str


@dataclass(frozen=True)
class Hunk:
    """One hunk of a unified diff."""

    old_start: int
    before: tuple[str, ...]
    """Lines the hunk expects (context and removed), without line ends."""
    after: tuple[str, ...]
    """Lines it leaves (context and added)."""


@dataclass(frozen=True)
class Mismatch:
    """An edit that does not match the current text."""

    what: str
    """The expected text (or its first lines)."""
    nearest: str
    """The closest lines of the current text, with line numbers."""

    def describe(self, path: str) -> str:
        """A finding message naming the file and showing the nearest lines."""
        near = f"; the nearest lines are:\n{self.nearest}" if self.nearest else ""
        first = self.what.strip().splitlines()[0] if self.what.strip() else "(empty)"
        return f"{path}: the edit's text was not found (it starts {first!r}){near}"


def _path_before(text: str, offset: int) -> str | None:
    """The path named on the lines before ``offset`` (looking past a fence)."""
    for raw in reversed(text[:offset].rstrip("\n").split("\n")[-4:]):
        line = raw.strip()
        if not line:
            continue
        if line.startswith(("```", "~~~")):
            info = line.strip("`~").split()
            path = next((w for w in info if w.endswith((".py", ".pyi"))), None)
            if path:
                return path
            continue
        line = line.strip("*`#: ").removeprefix("File:").strip().strip("*`")
        if re.fullmatch(r"[\w./\\-]+\.\w+", line):
            return line
        return None
    return None


def parse_search_replace(text: str) -> list[Replacement]:
    """Every SEARCH/REPLACE block, with the file path that precedes it (if any)."""
    found: list[Replacement] = []
    last_path: str | None = None
    for match in _SR.finditer(text):
        path = _path_before(text, match.start()) or last_path
        last_path = path
        found.append(Replacement(path, match.group("search"), match.group("replace")))
    return found


def parse_unified_diff(text: str) -> dict[str, list[Hunk]]:
    """Hunks per file (``b/`` and ``a/`` prefixes dropped) of a unified diff;
    ``/dev/null`` as the new name marks a deletion (key prefixed with ``-``)."""
    files: dict[str, list[Hunk]] = {}
    heads = list(_DIFF_FILE.finditer(text))
    for i, head in enumerate(heads):
        old, new = head.group("old"), head.group("new")
        name = old if new == "/dev/null" else new
        name = re.sub(r"^[ab]/", "", name)
        key = f"-{name}" if new == "/dev/null" else name
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        files[key] = _hunks(text[head.end() : end].split("\n"))
    return files


def _hunks(lines: list[str]) -> list[Hunk]:
    """Hunks read by their headers' line counts (so a blank context line that
    lost its leading space, or text after the diff, is read right)."""
    hunks: list[Hunk] = []
    i = 0
    while i < len(lines):
        header = _HUNK.match(lines[i])
        i += 1
        if header is None:
            continue
        old_left = int(header.group(2) or 1)
        new_left = int(header.group(4) or 1)
        before: list[str] = []
        after: list[str] = []
        while i < len(lines) and (old_left > 0 or new_left > 0):
            line = lines[i]
            i += 1
            if line.startswith("\\"):
                continue
            sign, body = (line[:1], line[1:]) if line else (" ", "")
            if sign == "-":
                before.append(body)
                old_left -= 1
            elif sign == "+":
                after.append(body)
                new_left -= 1
            elif sign == " ":
                before.append(body)
                after.append(body)
                old_left, new_left = old_left - 1, new_left - 1
            else:
                break
        hunks.append(Hunk(int(header.group(1)), tuple(before), tuple(after)))
    return hunks


def nearest_lines(current: str, wanted: str, context: int = 2) -> str:
    """The lines of ``current`` most like ``wanted``'s first line, numbered."""
    lines = current.splitlines()
    want = next((w for w in wanted.splitlines() if w.strip()), "")
    if not lines or not want:
        return ""
    scores = [
        difflib.SequenceMatcher(None, want.strip(), line.strip()).ratio()
        for line in lines
    ]
    best = max(range(len(lines)), key=scores.__getitem__)
    if scores[best] < 0.5:
        return ""
    span = range(
        max(0, best - context),
        min(len(lines), best + context + 1 + len(wanted.splitlines())),
    )
    return "\n".join(f"{n + 1:>5} | {lines[n]}" for n in span)


def _strip_trailing(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.split("\n"))


def apply_replacement(current: str, block: Replacement) -> tuple[str, bool] | Mismatch:
    """``current`` with the block applied: (new text, exact). The SEARCH text must
    occur exactly once; a match that differs only in trailing whitespace is
    accepted (exact = False). An empty SEARCH appends (or creates)."""
    if not block.search.strip():
        sep = "" if not current or current.endswith("\n") else "\n"
        return current + sep + block.replace, True
    count = current.count(block.search)
    if count == 1:
        return current.replace(block.search, block.replace, 1), True
    if count > 1:
        return Mismatch(block.search, f"(it occurs {count} times; include more lines)")
    loose_current, loose_search = (
        _strip_trailing(current),
        _strip_trailing(block.search),
    )
    if loose_current.count(loose_search) == 1:
        return loose_current.replace(loose_search, block.replace, 1), False
    return Mismatch(block.search, nearest_lines(current, block.search))


def apply_hunks(current: str, hunks: list[Hunk]) -> str | Mismatch:
    """``current`` with every hunk applied in order; each must match exactly
    (at its stated line, or the nearest place its lines occur)."""
    lines = current.split("\n")
    trailing = current.endswith("\n")
    if trailing:
        lines = lines[:-1]
    shift = 0
    for hunk in hunks:
        before = list(hunk.before)
        start = _locate(lines, before, hunk.old_start - 1 + shift)
        if start is None:
            return Mismatch(
                "\n".join(before), nearest_lines(current, "\n".join(before))
            )
        lines[start : start + len(before)] = list(hunk.after)
        shift += len(hunk.after) - len(before)
    text = "\n".join(lines)
    return text + "\n" if trailing or not current else text


def _locate(lines: list[str], before: list[str], hint: int) -> int | None:
    if not before:
        return max(0, min(hint + 1, len(lines)))
    candidates = [
        i
        for i in range(len(lines) - len(before) + 1)
        if lines[i : i + len(before)] == before
    ]
    if not candidates:
        return None
    return min(candidates, key=lambda i: abs(i - hint))
