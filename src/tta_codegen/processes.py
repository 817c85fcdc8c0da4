"""Child processes: started in their own session, never outliving their owner.

``process_group`` starts a program and, however the block ends (normally, on a
timeout, on cancellation), kills its whole process group and reaps it.
``run_process`` is the common case: run to completion with a wall-clock limit
and bounded output. Every subprocess tta-codegen starts goes through here.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import IO

__all__ = [
    "OUTPUT_CAP",
    "ProcessResult",
    "exited",
    "kill_group",
    "process_group",
    "run_process",
    "start_detached",
]

OUTPUT_CAP = 1 << 20
"""Bytes of stdout / stderr kept per stream; the rest is read and dropped."""

_PIPE = asyncio.subprocess.PIPE
_Stream = int | IO[bytes] | None


@dataclass(frozen=True)
class ProcessResult:
    """How one process ended and what it printed."""

    returncode: int | None
    """Exit status; negative for a signal, None when it never started."""
    stdout: str
    stderr: str
    timed_out: bool
    """True when the wall-clock limit killed it."""
    duration_s: float


def kill_group(pid: int) -> None:
    """SIGKILL every process of the group ``pid`` leads; quiet if it is gone."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


@asynccontextmanager
async def process_group(
    argv: list[str],
    *,
    cwd: str | os.PathLike[str],
    env: Mapping[str, str] | None = None,
    stdin: _Stream = asyncio.subprocess.DEVNULL,
    stdout: _Stream = _PIPE,
    stderr: _Stream = _PIPE,
    preexec: Callable[[], None] | None = None,
    line_limit: int = 1 << 16,
) -> AsyncIterator[asyncio.subprocess.Process]:
    """Start ``argv`` as the leader of a new session; on leaving the block, kill
    the group (the program and anything it left running) and reap it.

    Raises OSError when the program cannot be started.
    """
    process = await asyncio.create_subprocess_exec(
        *argv,
        cwd=cwd,
        env=None if env is None else dict(env),
        stdin=stdin,
        stdout=stdout,
        stderr=stderr,
        start_new_session=True,
        preexec_fn=preexec,
        limit=line_limit,
    )
    try:
        yield process
    finally:
        kill_group(process.pid)
        with contextlib.suppress(ProcessLookupError):
            await asyncio.shield(process.wait())


async def exited(process: asyncio.subprocess.Process) -> int:
    """Wait until the process itself has exited and return its status.

    Unlike ``Process.wait()``, this does not also wait for its pipes to close,
    which a daemonised grandchild holding them would delay until the timeout.
    """
    if process.returncode is not None:
        return process.returncode
    loop = asyncio.get_running_loop()
    try:
        fd = os.pidfd_open(process.pid)
    except ProcessLookupError:  # already gone (and reaped)
        return await process.wait()
    except (AttributeError, OSError):  # no pidfd here: poll
        while process.returncode is None:
            await asyncio.sleep(0.02)
        return process.returncode
    done: asyncio.Future[None] = loop.create_future()

    def readable() -> None:
        if not done.done():
            done.set_result(None)

    loop.add_reader(fd, readable)
    try:
        await done
    finally:
        loop.remove_reader(fd)
        os.close(fd)
    while process.returncode is None:  # the child watcher reaps it a moment later
        await asyncio.sleep(0.001)
    return process.returncode


async def _drain(stream: asyncio.StreamReader | None, cap: int) -> bytes:
    if stream is None:
        return b""
    kept = bytearray()
    while chunk := await stream.read(65536):
        if len(kept) < cap:
            kept.extend(chunk[: cap - len(kept)])
    return bytes(kept)


async def _ended(
    proc: asyncio.subprocess.Process,
    stop: Callable[[], Awaitable[object]] | None,
) -> None:
    """Return when ``proc`` exits or ``stop()`` returns, whichever is first."""
    if stop is None:
        await exited(proc)
        return
    waiter = asyncio.ensure_future(exited(proc))
    stopper = asyncio.ensure_future(stop())
    try:
        await asyncio.wait((waiter, stopper), return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (waiter, stopper):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def run_process(
    argv: list[str],
    *,
    cwd: str | os.PathLike[str],
    timeout_s: float,
    env: Mapping[str, str] | None = None,
    preexec: Callable[[], None] | None = None,
    output_cap: int = OUTPUT_CAP,
    stop: Callable[[], Awaitable[object]] | None = None,
) -> ProcessResult:
    """Run ``argv`` to its end, or kill its whole group at ``timeout_s`` (or as
    soon as ``stop()``, a watch running beside it, returns).

    A program that cannot be started gives ``returncode=None`` and the reason
    in ``stderr``; it never raises for that.
    """
    started = time.monotonic()
    try:
        async with process_group(argv, cwd=cwd, env=env, preexec=preexec) as proc:
            readers = asyncio.gather(
                _drain(proc.stdout, output_cap), _drain(proc.stderr, output_cap)
            )
            timed_out = False
            try:
                await asyncio.wait_for(_ended(proc, stop), timeout_s)
            except TimeoutError:
                timed_out = True
            except BaseException:
                readers.cancel()
                raise
    except OSError as exc:
        return ProcessResult(None, "", f"cannot start {argv[0]}: {exc}", False, 0.0)
    # the group is gone now; a descendant that kept the pipes open was killed too
    try:
        out, err = await asyncio.wait_for(readers, 5.0)
    except TimeoutError:
        out, err = b"", b"(output not collected: a descendant kept the pipes open)"
    return ProcessResult(
        returncode=proc.returncode,
        stdout=out.decode(errors="replace"),
        stderr=err.decode(errors="replace"),
        timed_out=timed_out,
        duration_s=time.monotonic() - started,
    )


def start_detached(
    argv: list[str], *, env: Mapping[str, str], log: str | os.PathLike[str]
) -> int:
    """Start ``argv`` as a background service that outlives this process: a new
    session, stdin from /dev/null, stdout and stderr appended to ``log``.

    Returns its pid (also its process group id). Until this process exits, it
    is the service's parent: poll it with ``os.waitpid(pid, os.WNOHANG)``.
    Raises OSError when it cannot be started.
    """
    append = os.O_WRONLY | os.O_CREAT | os.O_APPEND
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, os.fspath(log), append, 0o600),
        (os.POSIX_SPAWN_DUP2, 1, 2),
    ]
    return os.posix_spawn(argv[0], argv, dict(env), file_actions=actions, setsid=True)
