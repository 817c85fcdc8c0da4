"""Start a process with rlimits, bounded output and a wall-clock kill of its group."""

from __future__ import annotations

import asyncio
import contextlib
import os
import resource
import signal
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

__all__ = ["ExecResult", "Limits", "execute"]

OUTPUT_CAP = 1 << 20
"""Bytes of stdout / stderr kept per stream; the rest is read and dropped."""


@dataclass(frozen=True)
class ExecResult:
    """What one sandboxed execution did."""

    returncode: int | None
    """Exit status; negative for a signal, None when it never started."""
    stdout: str
    stderr: str
    timed_out: bool
    """True when the wall-clock limit killed it."""
    duration_s: float
    killed_reason: str | None = None
    """Why we killed it (``wall-clock limit of 5s``), None when it ended itself."""
    outputs: dict[str, str] = field(default_factory=dict)
    """Files read back from the work dir after the run (those asked for)."""


@dataclass(frozen=True)
class Limits:
    """Resource limits applied (inherited) before the sandboxed program starts."""

    memory_bytes: int
    """RLIMIT_AS."""
    cpu_s: int
    """RLIMIT_CPU, per process."""
    processes: int
    """RLIMIT_NPROC; only enforced for a non-root uid."""
    file_bytes: int
    """RLIMIT_FSIZE."""
    open_files: int
    """RLIMIT_NOFILE."""

    def preexec(self) -> Callable[[], None]:
        """A function that applies the limits in the forked child before exec."""

        def apply() -> None:
            for which, value in (
                (resource.RLIMIT_AS, self.memory_bytes),
                (resource.RLIMIT_CPU, self.cpu_s),
                (resource.RLIMIT_NPROC, self.processes),
                (resource.RLIMIT_FSIZE, self.file_bytes),
                (resource.RLIMIT_NOFILE, self.open_files),
                (resource.RLIMIT_CORE, 0),
            ):
                resource.setrlimit(which, (value, value))

        return apply


async def _drain(stream: asyncio.StreamReader | None) -> bytes:
    if stream is None:
        return b""
    kept = bytearray()
    while chunk := await stream.read(65536):
        if len(kept) < OUTPUT_CAP:
            kept.extend(chunk[: OUTPUT_CAP - len(kept)])
    return bytes(kept)


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


async def execute(
    argv: list[str],
    *,
    cwd: str,
    env: Mapping[str, str],
    limits: Limits,
    timeout_s: float,
) -> ExecResult:
    """Run ``argv`` in its own session; kill the whole group at ``timeout_s``."""
    started = time.monotonic()
    try:
        proc = await asyncio.create_subprocess_exec(
            *argv,
            cwd=cwd,
            env=dict(env),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            start_new_session=True,
            preexec_fn=limits.preexec(),
        )
    except OSError as exc:
        return ExecResult(None, "", f"cannot start {argv[0]}: {exc}", False, 0.0)
    readers = asyncio.gather(_drain(proc.stdout), _drain(proc.stderr))
    timed_out = False
    try:
        await asyncio.wait_for(proc.wait(), timeout_s)
    except TimeoutError:
        timed_out = True
        _kill_group(proc.pid)
        await proc.wait()
    finally:
        if proc.returncode is None:  # cancelled: never leave it running
            _kill_group(proc.pid)
    # Whatever is left in the group (a daemonised child holding the pipes) goes too.
    _kill_group(proc.pid)
    try:
        out, err = await asyncio.wait_for(readers, 5.0)
    except TimeoutError:
        out, err = b"", b"(output not collected: a descendant kept the pipes open)"
    return ExecResult(
        returncode=proc.returncode,
        stdout=out.decode(errors="replace"),
        stderr=err.decode(errors="replace"),
        timed_out=timed_out,
        duration_s=time.monotonic() - started,
        killed_reason=f"wall-clock limit of {timeout_s:g}s" if timed_out else None,
    )
