"""The sandbox that runs untrusted (generated) code.

``bwrap``: bubblewrap started as root builds private pid/net/ipc/uts/mount
namespaces (loopback only, read-only binds of the interpreter and nothing else
of the host, sized tmpfs mounts for ``/tmp`` and the work dir), then ``setpriv``
drops to a dedicated unprivileged uid with no capabilities and no_new_privs,
so RLIMIT_NPROC applies. ``process``: the weaker fallback used when bubblewrap
is missing (see docs/gates.md); it polls the size of its work dir and private
TMPDIR instead. Both scrub the environment, apply rlimits and kill the whole
process group at the wall-clock limit.
"""

from __future__ import annotations

import itertools
import logging
import os
import secrets
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Literal

from tta_codegen.errors import SandboxError
from tta_codegen.gates._bwrap import (
    COPY_FAILED,
    WORKDIR,
    bwrap_argv,
    copy_inputs_argv,
    interpreter_roots,
    write_etc,
)
from tta_codegen.gates._disk import DiskCap
from tta_codegen.gates._process import ExecResult, Limits, execute
from tta_codegen.settings import GatesSettings

__all__ = ["ExecResult", "Sandbox", "create_sandbox"]

log = logging.getLogger(__name__)

UID_RANGE = 1000
"""Each run takes the next uid of this many, so process limits are per run."""
OUTPUT_CAP = 8 << 20
"""Bytes of each output file read back."""

SandboxKind = Literal["bwrap", "process"]


def _world_readable(path: str) -> bool:
    """True when every directory down to ``path`` is traversable by others."""
    current = Path(path)
    for part in (current, *current.parents):
        mode = part.stat().st_mode
        if not mode & stat.S_IXOTH:
            return False
    return True


def _minimal_env(home: str, tmpdir: str = "/tmp") -> dict[str, str]:
    return {
        "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
        "HOME": home,
        "TMPDIR": tmpdir,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONUNBUFFERED": "1",
    }


def _relative(name: str) -> PurePosixPath:
    rel = PurePosixPath(name)
    if rel.is_absolute() or ".." in rel.parts or not rel.parts:
        raise SandboxError(f"sandbox file name must be relative: {name!r}")
    return rel


def _write_files(workdir: Path, files: Mapping[str, str]) -> None:
    for name, text in files.items():
        target = workdir / _relative(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def _chown_tree(root: Path, uid: int) -> None:
    for dirpath, dirnames, filenames in os.walk(root):
        os.chown(dirpath, uid, uid)
        for name in (*dirnames, *filenames):
            os.chown(os.path.join(dirpath, name), uid, uid, follow_symlinks=False)


def _read_outputs(paths: Mapping[str, Path]) -> dict[str, str]:
    """The outputs the program wrote (an empty or missing file is left out)."""
    found: dict[str, str] = {}
    for name, path in paths.items():
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as handle:
                data = handle.read(OUTPUT_CAP)
            if data:
                found[name] = data.decode(errors="replace")
    return found


def bwrap_supports_size() -> bool:
    """True when the installed bubblewrap sizes a tmpfs (``--size``, 0.7+)."""
    try:
        shown = subprocess.run(
            ["bwrap", "--help"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return "--size" in shown.stdout + shown.stderr


class Sandbox:
    """Runs argv in a throwaway work dir under the configured isolation."""

    def __init__(self, kind: SandboxKind, settings: GatesSettings) -> None:
        self.kind: SandboxKind = kind
        """bwrap (strong isolation) or process (weaker fallback)."""
        self.settings = settings
        self.python = sys.executable
        """Interpreter to use inside (has pytest, pytest-timeout, coverage)."""
        # A random start keeps two processes' sandboxes apart in the uid range.
        self._uids = itertools.count(secrets.randbelow(UID_RANGE))
        self._root = os.geteuid() == 0
        self._warned = False

    @property
    def limits(self) -> Limits:
        """rlimits applied to every sandboxed process."""
        s = self.settings
        return Limits(
            memory_bytes=s.memory_mb << 20,
            cpu_s=int(s.run_timeout_s) + 5,
            processes=s.max_processes,
            file_bytes=s.file_size_mb << 20,
            open_files=s.open_files,
        )

    async def run(
        self,
        argv: list[str],
        files: Mapping[str, str],
        *,
        timeout_s: float,
        outputs: tuple[str, ...] = (),
    ) -> ExecResult:
        """Write ``files`` into a fresh work dir (the cwd) and run ``argv`` there.

        ``argv[0] == "python"`` means the sandbox's interpreter. ``outputs`` are
        work-dir files read back into ``ExecResult.outputs`` (those the program
        wrote). The work dir holds at most ``workdir_mb`` and /tmp ``tmp_mb``.
        """
        if argv and argv[0] == "python":
            argv = [self.python, *argv[1:]]
        for name in outputs:
            _relative(name)
        base = Path(tempfile.mkdtemp(prefix="tta-sandbox-"))
        try:
            uid = self.settings.sandbox_uid + next(self._uids) % UID_RANGE
            if self.kind == "bwrap":
                return await self._run_bwrap(argv, files, base, uid, timeout_s, outputs)
            return await self._run_process(argv, files, base, uid, timeout_s, outputs)
        finally:
            shutil.rmtree(base, ignore_errors=True)

    async def _run_bwrap(
        self,
        argv: list[str],
        files: Mapping[str, str],
        base: Path,
        uid: int,
        timeout_s: float,
        outputs: tuple[str, ...],
    ) -> ExecResult:
        inputs = base / "in"
        inputs.mkdir()
        _write_files(inputs, files)
        out_dir = base / "out"
        out_dir.mkdir()
        bound = {name: out_dir / str(i) for i, name in enumerate(outputs)}
        for path in bound.values():
            path.touch()
        write_etc(base / "etc", uid)
        if self._root:
            _chown_tree(inputs, uid)
            _chown_tree(out_dir, uid)
        inner = copy_inputs_argv(argv)
        if self._root:
            inner = self._setpriv(uid) + inner
        env = _minimal_env(WORKDIR)
        full = bwrap_argv(
            inner,
            etc=base / "etc",
            inputs=inputs,
            outputs=bound,
            tmp_bytes=self.settings.tmp_mb << 20,
            workdir_bytes=self.settings.workdir_mb << 20,
            env=env,
            root=self._root,
        )
        result = await execute(
            full,
            cwd=str(base),
            env=env,
            limits=self.limits,
            timeout_s=timeout_s,
        )
        _raise_on_setup_failure(result)
        return _with_outputs(result, bound)

    async def _run_process(
        self,
        argv: list[str],
        files: Mapping[str, str],
        base: Path,
        uid: int,
        timeout_s: float,
        outputs: tuple[str, ...],
    ) -> ExecResult:
        workdir, tmp = base / "work", base / "tmp"
        workdir.mkdir()
        tmp.mkdir()
        _write_files(workdir, files)
        if self._root and self._drops_privileges():
            base.chmod(0o755)
            _chown_tree(workdir, uid)
            _chown_tree(tmp, uid)
        caps = (
            DiskCap("workdir", workdir, self.settings.workdir_mb << 20),
            DiskCap("tmp", tmp, self.settings.tmp_mb << 20),
        )
        result = await execute(
            self._process_argv(argv, uid),
            cwd=str(workdir),
            env=_minimal_env(str(workdir), tmpdir=str(tmp)),
            limits=self.limits,
            timeout_s=timeout_s,
            disk_caps=caps,
        )
        _raise_unless_started(result)
        return _with_outputs(result, {name: workdir / name for name in outputs})

    def _drops_privileges(self) -> bool:
        if self.kind == "bwrap":
            return True
        return all(_world_readable(r) for r in interpreter_roots())

    def _setpriv(self, uid: int) -> list[str]:
        return [
            "setpriv",
            f"--reuid={uid}",
            f"--regid={uid}",
            "--clear-groups",
            "--inh-caps=-all",
            "--bounding-set=-all",
            "--no-new-privs",
        ]

    def _process_argv(self, argv: list[str], uid: int) -> list[str]:
        if not self._root:
            return argv
        cmd = ["unshare", "--net", "--pid", "--fork", "--kill-child"]
        if self._drops_privileges() and shutil.which("setpriv"):
            return cmd + self._setpriv(uid) + argv
        if not self._warned:
            self._warned = True
            log.warning(
                "sandbox fallback: the interpreter under %s is not readable by an "
                "unprivileged uid, so generated code runs as root without a "
                "process limit; install bubblewrap",
                ", ".join(interpreter_roots()),
            )
        return cmd + argv


def _raise_unless_started(result: ExecResult) -> None:
    if result.returncode is None:
        raise SandboxError(f"the sandbox could not start: {result.stderr}")


def _raise_on_setup_failure(result: ExecResult) -> None:
    """SandboxError when bubblewrap, setpriv or the copy step failed (not the code)."""
    _raise_unless_started(result)
    if result.stderr.startswith(("bwrap:", "setpriv:")):
        raise SandboxError(
            f"bubblewrap could not build the sandbox: {result.stderr.strip()}",
            hint="is this a container without user namespaces? see docs/gates.md",
        )
    if result.stderr.startswith(COPY_FAILED):
        detail = result.stderr.strip().splitlines()[0][len(COPY_FAILED) :].strip()
        raise SandboxError(
            f"cannot copy the files into the sandbox work dir: {detail}",
            hint="when it says 'No space left on device', raise [gates] workdir_mb",
        )


def _with_outputs(result: ExecResult, paths: Mapping[str, Path]) -> ExecResult:
    if not paths:
        return result
    return ExecResult(**{**result.__dict__, "outputs": _read_outputs(paths)})


def create_sandbox(settings: GatesSettings) -> Sandbox:
    """The sandbox ``settings.sandbox`` asks for.

    ``bwrap`` without a usable bubblewrap (missing, or older than 0.7, which
    cannot size a tmpfs) is a SandboxError; ``auto`` falls back to the weaker
    ``process`` isolation with a loud warning.
    """
    problem = None
    if settings.sandbox != "process":
        if shutil.which("bwrap") is None:
            problem = "bubblewrap (bwrap) is not installed"
        elif not bwrap_supports_size():
            problem = "bubblewrap (bwrap) is older than 0.7 (no --size for a tmpfs)"
    if settings.sandbox == "bwrap" and problem:
        raise SandboxError(
            f"{problem} but gates.sandbox = 'bwrap'",
            hint="apt-get install bubblewrap (0.7 or newer), "
            "or set gates.sandbox = 'process'",
        )
    if settings.sandbox == "process" or problem:
        if problem:
            log.warning(
                "%s: generated code runs with the WEAKER process sandbox (no "
                "filesystem isolation); apt-get install bubblewrap",
                problem,
            )
        return Sandbox("process", settings)
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        raise SandboxError(
            "setpriv (util-linux) is missing: cannot drop root for sandboxed code",
            hint="apt-get install util-linux",
        )
    return Sandbox("bwrap", settings)
