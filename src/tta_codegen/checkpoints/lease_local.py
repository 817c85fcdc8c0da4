"""Run leases of one host: a set in this process (``memory://`` checkpoints)
and ``flock`` on a lock file beside a SQLite database (the kernel drops it when
the holder dies)."""

from __future__ import annotations

import fcntl
import hashlib
from pathlib import Path
from typing import IO

__all__ = ["FileLeases", "MemoryLeases"]


class MemoryLeases:
    """Leases of one process (for ``memory://`` checkpoints)."""

    def __init__(self) -> None:
        self._held: dict[str, str] = {}

    async def acquire(self, thread_id: str, holder: str, ttl_s: float) -> str | None:
        current = self._held.setdefault(thread_id, holder)
        return None if current == holder else current

    async def renew(self, thread_id: str, holder: str, ttl_s: float) -> bool:
        return self._held.get(thread_id) == holder

    async def release(self, thread_id: str, holder: str) -> None:
        if self._held.get(thread_id) == holder:
            del self._held[thread_id]

    async def holder(self, thread_id: str) -> str | None:
        return self._held.get(thread_id)


class FileLeases:
    """``flock`` on ``<database>.leases/<thread hash>.lock``; the holder's name is
    written into the file."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._open: dict[tuple[str, str], IO[str]] = {}

    def _path(self, thread_id: str) -> Path:
        digest = hashlib.sha256(thread_id.encode()).hexdigest()[:32]
        return self._folder / f"{digest}.lock"

    async def acquire(self, thread_id: str, holder: str, ttl_s: float) -> str | None:
        self._folder.mkdir(parents=True, exist_ok=True)
        handle = self._path(thread_id).open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            current = handle.read().strip() or "another process"
            handle.close()
            return current
        handle.seek(0)
        handle.truncate()
        handle.write(holder)
        handle.flush()
        self._open[(thread_id, holder)] = handle
        return None

    async def renew(self, thread_id: str, holder: str, ttl_s: float) -> bool:
        return (thread_id, holder) in self._open

    async def release(self, thread_id: str, holder: str) -> None:
        handle = self._open.pop((thread_id, holder), None)
        if handle is None:
            return
        handle.seek(0)
        handle.truncate()
        handle.flush()
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        handle.close()

    async def holder(self, thread_id: str) -> str | None:
        path = self._path(thread_id)
        if not path.exists():
            return None
        with path.open("r", encoding="utf-8") as handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return handle.read().strip() or "another process"
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            return None
