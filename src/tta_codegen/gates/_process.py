"""Run a sandboxed program with rlimits (the process handling is ``processes``)."""

from __future__ import annotations

import resource
import signal
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from tta_codegen.gates._disk import (
    PLACES,
    DiskCap,
    LimitKind,
    first_exceeded,
    wait_for_exceeded,
)
from tta_codegen.processes import run_process

__all__ = ["ExecResult", "Limits", "execute"]


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
    disk_limit: LimitKind | None = None
    """The disk cap the run went over, when the host saw it (process sandbox)."""


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


async def execute(
    argv: list[str],
    *,
    cwd: str,
    env: Mapping[str, str],
    limits: Limits,
    timeout_s: float,
    disk_caps: tuple[DiskCap, ...] = (),
) -> ExecResult:
    """Run ``argv`` in its own session with ``limits``; kill the whole group at
    ``timeout_s``, or as soon as a directory of ``disk_caps`` grows above its cap."""
    hits: list[DiskCap] = []

    async def over_cap() -> None:
        hits.append(await wait_for_exceeded(disk_caps))

    done = await run_process(
        argv,
        cwd=cwd,
        env=env,
        preexec=limits.preexec(),
        timeout_s=timeout_s,
        stop=over_cap if disk_caps else None,
    )
    if not hits and disk_caps:
        # a program may outrun the watch: measure once more after it ended
        late = first_exceeded(disk_caps)
        hits += [late] if late is not None else []
    reason = None
    if done.timed_out:
        reason = f"wall-clock limit of {timeout_s:g}s"
    elif hits and done.returncode == -signal.SIGKILL:
        reason = f"{PLACES[hits[0].kind]} limit of {hits[0].max_bytes >> 20} MB"
    return ExecResult(
        returncode=done.returncode,
        stdout=done.stdout,
        stderr=done.stderr,
        timed_out=done.timed_out,
        duration_s=done.duration_s,
        killed_reason=reason,
        disk_limit=hits[0].kind if hits else None,
    )
