"""Find and kill every process a worker left behind.

The agent's terminal starts its shell in a new session (``setsid``) with job
control, so its background jobs escape the worker's process group. Each worker
gets a unique marker in its environment, which every descendant inherits; after
the worker ends, any process of ours still carrying the marker is killed.
Linux ``/proc`` only; elsewhere this finds nothing.
"""

from __future__ import annotations

import contextlib
import os
import signal
from pathlib import Path

__all__ = ["MARKER_ENV", "kill_marked", "marked_pids"]

MARKER_ENV = "TTA_CODEGEN_OPENHANDS_RUN"
"""Environment variable holding the run's marker."""


def marked_pids(marker: str, proc: Path = Path("/proc")) -> list[int]:
    """Pids of live processes whose environment holds ``MARKER_ENV=marker``."""
    needle = f"{MARKER_ENV}={marker}".encode()
    found: list[int] = []
    try:
        entries = list(proc.iterdir())
    except OSError:
        return found
    for entry in entries:
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:  # gone, or not ours
            continue
        if needle in environ.split(b"\0"):
            found.append(int(entry.name))
    return found


def kill_marked(marker: str) -> int:
    """SIGKILL every process carrying ``marker``; how many were signalled."""
    pids = marked_pids(marker)
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    return len(pids)
