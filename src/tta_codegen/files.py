"""Durable file writes: one ``atomic_write`` for every file tta-codegen writes."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["atomic_write", "current_umask", "refuses_new_files"]


def current_umask() -> int:
    """The process umask, read without changing it (Linux), else the usual 022."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` so a crash leaves the old file or the new one,
    never half a file: a temporary file in the same folder, fsync, rename.

    The new file keeps the mode of the file it replaces, or gets the mode a
    plain ``open()`` would give (0666 less the umask).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o666 & ~current_umask()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def refuses_new_files(folder: Path) -> str | None:
    """Why ``folder`` does not take a new file (the OS's reason), or None: a
    probe file is created there and removed again, so read-only mounts,
    pseudo-filesystems and missing permissions are all found."""
    try:
        fd, probe = tempfile.mkstemp(prefix=".tta-codegen-probe-", dir=folder)
    except OSError as exc:
        return exc.strerror or type(exc).__name__
    os.close(fd)
    os.unlink(probe)
    return None
