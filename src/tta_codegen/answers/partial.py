"""Answers that send only part of a module, and putting the rest back.

Asked to fix one line of a long file, models often answer with the function they
changed and a placeholder for the rest (``# ... rest unchanged ...``, a bare
``...`` body where the code was, or just leave functions out). Such an answer is
never taken as the whole module: when it is clearly partial, the definitions it
left out come back from the previous draft; otherwise the model is asked again.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from tta_codegen.answers._structure import Piece, class_members, pieces
from tta_codegen.answers._text import parses

__all__ = ["Partiality", "assess", "merge", "placeholder_lines"]

_PLACEHOLDER = re.compile(
    r"^\s*(?:pass\s*)?#\s*(?:"
    r"(?:\.\.\.|…)"  # "# ...", "# … other methods …"
    r"|.*\b(?:unchanged|omitted|as before|same as before|remains? the same)\b"
    r"|.*\brest of (?:the )?(?:code|file|module|class|implementation|methods?)\b"
    r"|(?:the )?(?:existing|previous|original|other) "
    r"(?:code|implementation|methods?|functions?|imports?)\b(?: here| go(?:es)? here)?"
    r"|(?:your|more) code (?:here|goes here)"
    r"|\[?(?:code|implementation|methods?) (?:here|omitted|elided)\]?"
    r")",
    re.IGNORECASE,
)


def placeholder_lines(source: str) -> list[int]:
    """1-based lines that are a placeholder comment standing for omitted code."""
    return [
        number
        for number, line in enumerate(source.splitlines(), start=1)
        if _PLACEHOLDER.match(line)
    ]


def _is_stub(node: ast.stmt) -> bool:
    """A function whose body is only ``...`` or ``pass`` (after a docstring)."""
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return False
    body = node.body
    if (
        body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
    ):
        body = body[1:]
    return len(body) == 1 and (
        isinstance(body[0], ast.Pass)
        or (
            isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and body[0].value.value is Ellipsis
        )
    )


def _defs(source: str) -> dict[str, ast.stmt]:
    """Top-level functions and classes, and methods as ``Class.method``."""
    found: dict[str, ast.stmt] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            found[node.name] = node
        if isinstance(node, ast.ClassDef):
            for member in node.body:
                if isinstance(member, ast.FunctionDef | ast.AsyncFunctionDef):
                    found[f"{node.name}.{member.name}"] = member
    return found


@dataclass(frozen=True)
class Partiality:
    """How an answer relates to the previous draft."""

    placeholders: tuple[int, ...]
    """Lines of placeholder comments."""
    stubbed: tuple[str, ...]
    """Definitions reduced to ``...``/``pass`` that had code in the previous draft."""
    dropped: tuple[str, ...]
    """Top-level definitions of the previous draft the answer left out."""
    kept: int
    """How many of the previous draft's top-level definitions the answer re-sent."""

    @property
    def is_partial(self) -> bool:
        """The answer stands for more than it holds. One that shares no
        definition with the previous draft is a rewrite, not a part of it."""
        return bool(self.placeholders or self.stubbed) or (
            bool(self.dropped) and self.kept > 0
        )

    @property
    def clearly_partial(self) -> bool:
        """It says so (a placeholder or a stub), or it re-sent at most half of
        the previous definitions: safe to merge the rest back."""
        return bool(self.placeholders or self.stubbed) or (
            0 < self.kept <= len(self.dropped)
        )


def assess(answer: str, previous: str | None) -> Partiality:
    """Compare a parsing ``answer`` with the previous draft (if any)."""
    placeholders = tuple(placeholder_lines(answer))
    if previous is None or not parses(previous):
        return Partiality(placeholders, (), (), 0)
    old, new = _defs(previous), _defs(answer)
    stubbed = tuple(
        name
        for name, node in new.items()
        if _is_stub(node) and name in old and not _is_stub(old[name])
    )
    top_old = [n for n in old if "." not in n]
    dropped = tuple(n for n in top_old if n not in new)
    kept = sum(1 for n in top_old if n in new)
    return Partiality(placeholders, stubbed, dropped, kept)


def _merge_pieces(
    old: list[Piece], new: list[Piece], old_src: str, new_src: str
) -> list[str]:
    """Old order; each named piece from the answer unless it is a stub there;
    imports united; pieces only the answer has go after their predecessor."""
    new_named = {p.name: p for p in new if p.name is not None}
    old_names = {p.name for p in old if p.name is not None}
    old_imports = {p.text.strip() for p in old if p.kind == "import"}
    out: list[str] = []
    for piece in old:
        replacement = new_named.get(piece.name) if piece.name else None
        if replacement is None or _is_stub(replacement.node):
            out.append(piece.text)
        elif piece.kind == "class" and isinstance(piece.node, ast.ClassDef):
            out.append(piece.lead + _merge_class(piece, replacement, old_src, new_src))
        else:
            out.append(piece.lead + replacement.body)
    fresh_imports = [
        p.text for p in new if p.kind == "import" and p.text.strip() not in old_imports
    ]
    spacing = "\n\n" if old and old[0].node.col_offset == 0 else "\n"
    fresh = [
        spacing + p.body for p in new if p.name is not None and p.name not in old_names
    ]
    last_import = max((i for i, p in enumerate(old) if p.kind == "import"), default=-1)
    out[last_import + 1 : last_import + 1] = fresh_imports
    return [*out, *fresh]


def _merge_class(old: Piece, new: Piece, old_src: str, new_src: str) -> str:
    """The class with the answer's header, and its members merged like a module's."""
    assert isinstance(old.node, ast.ClassDef) and isinstance(new.node, ast.ClassDef)
    _, old_members = class_members(old_src, old.node)
    new_header, new_members = class_members(new_src, new.node)
    return new_header + "".join(
        _merge_pieces(old_members, new_members, old_src, new_src)
    )


def merge(answer: str, previous: str) -> str | None:
    """The previous draft with the answer's definitions in place of its own and
    the answer's new ones added; None when the result would not parse or would
    still hold a placeholder."""
    try:
        merged = "".join(
            _merge_pieces(pieces(previous), pieces(answer), previous, answer)
        )
    except SyntaxError:
        return None
    merged = merged if merged.endswith("\n") else merged + "\n"
    if not parses(merged) or placeholder_lines(merged):
        return None
    return merged
