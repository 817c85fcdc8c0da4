"""Where findings live on disk, and how a path becomes a SARIF URI.

Gates name files by their sandbox names (``calc.py``, ``test_calc.py``,
``test_calc_locked.py``); a report must point at the files the user has
(``src/calc.py``), relative to the repository root.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from tta_codegen.findings import Finding
from tta_codegen.naming import (
    locked_tests_file_name,
    module_file_name,
    tests_file_name,
)

__all__ = ["FileMap", "Location", "find_repo_root", "relative_uri"]


@dataclass(frozen=True)
class Location:
    """A place in a file that a finding is shown at."""

    path: str
    """The file, as given (relative to the working directory, or absolute)."""
    line: int | None = None
    """1-based line, when it refers to this file's content."""
    anchored: bool = False
    """True when the finding has no file of its own on disk and was placed on
    the fallback file (a task list, the intended output path)."""


@dataclass(frozen=True)
class FileMap:
    """The files a set of findings is about, by their role."""

    module: str | None
    """Import name of the module; its sandbox file names map to the paths."""
    code: str | None = None
    """The checked module on disk (None when it was not written)."""
    tests: str | None = None
    """Its tests on disk."""
    locked_tests: str | None = None
    """The user's own (locked) tests on disk."""
    anchor: str | None = None
    """Where to show a finding whose own file is not on disk."""
    anchor_line: int | None = None
    """Line of the anchor file to show such findings at."""

    def locate(self, finding: Finding) -> Location | None:
        """The place to show ``finding`` at, or None when nothing fits."""
        path = self._own_file(finding)
        if path is not None:
            return Location(path, finding.line)
        if self.anchor is not None:
            return Location(self.anchor, self.anchor_line, anchored=True)
        return None

    def _own_file(self, finding: Finding) -> str | None:
        if self.module is None:
            return None
        by_name = {
            module_file_name(self.module): self.code,
            tests_file_name(self.module): self.tests,
            locked_tests_file_name(self.module): self.locked_tests,
        }
        if finding.path:
            return by_name.get(finding.path)
        return self.tests if finding.target == "tests" else self.code


def find_repo_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` holding ``.git``, else ``start``."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


def relative_uri(path: str, root: Path) -> tuple[str, bool]:
    """``path`` as a URI reference: relative to ``root`` (True) when inside it,
    else an absolute ``file://`` URI (False)."""
    absolute = Path(path).resolve()
    root = root.resolve()
    if absolute.is_relative_to(root):
        return quote(absolute.relative_to(root).as_posix()), True
    return absolute.as_uri(), False
