"""Read what the agent produced, treating the workspace as untrusted.

Only regular files inside the workspace are read (no symlinks, no ``..``), with a
size cap; nothing is imported or executed.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

__all__ = ["MAX_FILE_BYTES", "read_workspace_file"]

MAX_FILE_BYTES = 1_000_000
"""Produced files larger than this are ignored."""


def read_workspace_file(workspace: Path, relative: str) -> str | None:
    """The UTF-8 text of ``workspace/relative``, or None when it is missing,
    not a regular file, a symlink (at any level), too large or not UTF-8."""
    parts = Path(relative).parts
    if not parts or Path(relative).is_absolute() or ".." in parts:
        return None
    flags = os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    dir_flags = flags | os.O_DIRECTORY
    try:
        fd = os.open(workspace, dir_flags)
    except OSError:
        return None
    try:
        for part in parts[:-1]:
            next_fd = os.open(part, dir_flags, dir_fd=fd)
            os.close(fd)
            fd = next_fd
        file_fd = os.open(parts[-1], flags | os.O_NONBLOCK, dir_fd=fd)
    except OSError:
        os.close(fd)
        return None
    os.close(fd)
    with os.fdopen(file_fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
            return None
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None
