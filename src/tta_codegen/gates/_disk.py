"""Disk caps of the sandbox: what they are called, how a hit is described, and
the polling watch the weaker ``process`` sandbox uses (bubblewrap's sized
tmpfs mounts need no watch: a write past the cap fails with ENOSPC)."""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from tta_codegen.settings import GatesSettings

__all__ = [
    "PLACES",
    "POLL_S",
    "DiskCap",
    "LimitKind",
    "describe_limit",
    "first_exceeded",
    "usage_bytes",
    "wait_for_exceeded",
]

LimitKind = Literal["tmp", "workdir", "file"]
"""Which cap was hit: /tmp, the work dir, or the size of one file."""
PLACES: dict[LimitKind, str] = {"tmp": "/tmp", "workdir": "work dir", "file": "file"}
"""How each cap's place is named in messages."""
POLL_S = 0.05
"""How often the process sandbox measures its directories."""


@dataclass(frozen=True)
class DiskCap:
    """A directory whose total size is capped."""

    kind: LimitKind
    """Which cap this is (named in the finding)."""
    path: Path
    """The host directory measured."""
    max_bytes: int
    """Its total may not exceed this."""


def usage_bytes(root: Path) -> int:
    """Bytes allocated to the files under ``root`` (hard links counted once)."""
    seen: set[tuple[int, int]] = set()
    total = 0
    for dirpath, dirnames, filenames in os.walk(root):
        for name in (*dirnames, *filenames):
            try:
                info = os.lstat(os.path.join(dirpath, name))
            except OSError:  # removed while we walk
                continue
            key = (info.st_dev, info.st_ino)
            if key not in seen:
                seen.add(key)
                total += info.st_blocks * 512
    return total


def first_exceeded(caps: tuple[DiskCap, ...]) -> DiskCap | None:
    """The first cap whose directory holds more than it allows, if any."""
    for cap in caps:
        if usage_bytes(cap.path) > cap.max_bytes:
            return cap
    return None


async def wait_for_exceeded(caps: tuple[DiskCap, ...]) -> DiskCap:
    """Measure ``caps`` every POLL_S seconds (in a thread) until one is exceeded."""
    while True:
        hit = await asyncio.to_thread(first_exceeded, caps)
        if hit is not None:
            return hit
        await asyncio.sleep(POLL_S)


def describe_limit(kind: str | None, settings: GatesSettings) -> str:
    """What the code did, in words, for a finding (``kind`` None: not known which)."""
    if kind == "tmp":
        return (
            f"the code wrote more than {settings.tmp_mb} MB to /tmp "
            "(the sandbox limit, [gates] tmp_mb)"
        )
    if kind == "workdir":
        return (
            f"the code wrote more than {settings.workdir_mb} MB to its work dir "
            "(the sandbox limit, [gates] workdir_mb)"
        )
    if kind == "file":
        return (
            f"the code wrote a file larger than {settings.file_size_mb} MB "
            "(the sandbox limit, [gates] file_size_mb)"
        )
    return (
        f"the code ran out of sandbox disk space ({settings.tmp_mb} MB for /tmp, "
        f"{settings.workdir_mb} MB for its work dir: [gates] tmp_mb, workdir_mb)"
    )
