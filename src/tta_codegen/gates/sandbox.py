"""The sandbox that runs untrusted (generated) code.

``bwrap``: bubblewrap started as root builds private pid/net/ipc/uts/mount
namespaces (loopback only, read-only binds of the interpreter and nothing else
of the host, a tmpfs ``/tmp``, a throwaway work dir as cwd), then ``setpriv``
drops to a dedicated unprivileged uid with no capabilities and no_new_privs,
so RLIMIT_NPROC applies. ``process``: the weaker fallback used when bubblewrap
is missing (see docs/gates.md). Both scrub the environment, apply rlimits and
kill the whole process group at the wall-clock limit.
"""

from __future__ import annotations

import itertools
import logging
import os
import secrets
import shutil
import stat
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Literal

from tta_codegen.errors import SandboxError
from tta_codegen.gates._process import ExecResult, Limits, execute
from tta_codegen.settings import GatesSettings

__all__ = ["ExecResult", "Sandbox", "create_sandbox"]

log = logging.getLogger(__name__)

WORKDIR = "/sandbox"
"""Where the throwaway work dir appears inside bubblewrap."""
UID_RANGE = 1000
"""Each run takes the next uid of this many, so process limits are per run."""

SandboxKind = Literal["bwrap", "process"]


def _interpreter_roots() -> list[str]:
    """Host paths the sandboxed interpreter needs: our venv and its base Python."""
    roots = {
        os.path.realpath(sys.prefix),
        os.path.realpath(sys.base_prefix),
        str(Path(os.path.realpath(sys.executable)).parent.parent),
    }
    return sorted(r for r in roots if not r.startswith("/usr/") and r != "/usr")


def _world_readable(path: str) -> bool:
    """True when every directory down to ``path`` is traversable by others."""
    current = Path(path)
    for part in (current, *current.parents):
        mode = part.stat().st_mode
        if not mode & stat.S_IXOTH:
            return False
    return True


def _minimal_env(home: str, *, pythonpath: str | None = None) -> dict[str, str]:
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
        "HOME": home,
        "TMPDIR": "/tmp",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONUNBUFFERED": "1",
    }
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    return env


def _write_files(workdir: Path, files: Mapping[str, str]) -> None:
    for name, text in files.items():
        rel = PurePosixPath(name)
        if rel.is_absolute() or ".." in rel.parts or not rel.parts:
            raise SandboxError(f"sandbox file name must be relative: {name!r}")
        target = workdir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def _chown_tree(root: Path, uid: int) -> None:
    for dirpath, dirnames, filenames in os.walk(root):
        os.chown(dirpath, uid, uid)
        for name in (*dirnames, *filenames):
            os.chown(os.path.join(dirpath, name), uid, uid, follow_symlinks=False)


def _read_outputs(workdir: Path, names: tuple[str, ...]) -> dict[str, str]:
    found: dict[str, str] = {}
    for name in names:
        path = workdir / name
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as handle:
                found[name] = handle.read(8 << 20).decode(errors="replace")
    return found


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
        work-dir files read back into ``ExecResult.outputs``.
        """
        if argv and argv[0] == "python":
            argv = [self.python, *argv[1:]]
        base = Path(tempfile.mkdtemp(prefix="tta-sandbox-"))
        try:
            workdir = base / "work"
            workdir.mkdir()
            _write_files(workdir, files)
            uid = self.settings.sandbox_uid + next(self._uids) % UID_RANGE
            if self.kind == "bwrap":
                full = self._bwrap_argv(argv, base, uid)
                env = _minimal_env(WORKDIR)
            else:
                full = self._process_argv(argv, uid)
                env = _minimal_env(str(workdir))
            if self._root and self._drops_privileges():
                base.chmod(0o755)
                _chown_tree(workdir, uid)
            result = await execute(
                full, cwd=str(workdir), env=env, limits=self.limits, timeout_s=timeout_s
            )
            if result.returncode is None:
                raise SandboxError(f"the sandbox could not start: {result.stderr}")
            if self.kind == "bwrap" and result.stderr.startswith(
                ("bwrap:", "setpriv:")
            ):
                raise SandboxError(
                    f"bubblewrap could not build the sandbox: {result.stderr.strip()}",
                    hint="is this a container without user namespaces? "
                    "see docs/gates.md",
                )
            if outputs:
                found = _read_outputs(workdir, outputs)
                result = ExecResult(**{**result.__dict__, "outputs": found})
            return result
        finally:
            shutil.rmtree(base, ignore_errors=True)

    def _drops_privileges(self) -> bool:
        if self.kind == "bwrap":
            return True
        return all(_world_readable(r) for r in _interpreter_roots())

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

    def _bwrap_argv(self, argv: list[str], base: Path, uid: int) -> list[str]:
        etc = base / "etc"
        etc.mkdir()
        (etc / "passwd").write_text(
            f"root:x:0:0::/root:/bin/false\nsandbox:x:{uid}:{uid}::{WORKDIR}:/bin/false\n"
        )
        (etc / "group").write_text(f"root:x:0:\nsandbox:x:{uid}:\n")
        (etc / "hosts").write_text("127.0.0.1 localhost\n::1 localhost\n")
        cmd = ["bwrap", "--die-with-parent", "--new-session"]
        if self._root:
            cmd += ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts"]
            cmd += ["--unshare-cgroup-try", "--cap-drop", "ALL"]
            cmd += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
            cmd += ["--cap-add", "CAP_SETPCAP"]
        else:
            cmd += ["--unshare-all"]
        cmd += ["--ro-bind", "/usr", "/usr"]
        for name in ("bin", "lib", "lib64", "sbin"):
            path = Path("/") / name
            if path.is_symlink():
                cmd += ["--symlink", os.readlink(path), str(path)]
            elif path.is_dir():
                cmd += ["--ro-bind", str(path), str(path)]
        # /tmp is a fresh tmpfs *before* the interpreter is bound in, so a venv
        # that lives under /tmp (a CI checkout) is bound on top of it, not hidden.
        cmd += [
            "--proc",
            "/proc",
            "--dev",
            "/dev",
            "--perms",
            "1777",
            "--tmpfs",
            "/tmp",
        ]
        made: set[str] = set()
        for root in _interpreter_roots():
            for parent in reversed(PurePosixPath(root).parents):
                text = str(parent)
                if text != "/" and text not in made:
                    made.add(text)
                    cmd += ["--perms", "0755", "--dir", text]
            cmd += ["--ro-bind", root, root]
        for name in ("passwd", "group", "hosts"):
            cmd += ["--ro-bind", str(etc / name), f"/etc/{name}"]
        cmd += ["--bind", str(base / "work"), WORKDIR, "--chdir", WORKDIR]
        cmd += ["--clearenv"]
        for key, value in _minimal_env(WORKDIR).items():
            cmd += ["--setenv", key, value]
        cmd += ["--"]
        if self._root:
            cmd += self._setpriv(uid)
        return cmd + argv

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
                ", ".join(_interpreter_roots()),
            )
        return cmd + argv


def create_sandbox(settings: GatesSettings) -> Sandbox:
    """The sandbox ``settings.sandbox`` asks for.

    ``bwrap`` without bubblewrap installed is a SandboxError; ``auto`` falls
    back to the weaker ``process`` isolation with a loud warning.
    """
    have_bwrap = shutil.which("bwrap") is not None
    if settings.sandbox == "bwrap" and not have_bwrap:
        raise SandboxError(
            "bubblewrap (bwrap) is not installed but gates.sandbox = 'bwrap'",
            hint="apt-get install bubblewrap, or set gates.sandbox = 'process'",
        )
    if settings.sandbox == "process" or not have_bwrap:
        if settings.sandbox == "auto":
            log.warning(
                "bubblewrap (bwrap) is not installed: generated code runs with the "
                "WEAKER process sandbox (no filesystem isolation); "
                "apt-get install bubblewrap"
            )
        return Sandbox("process", settings)
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        raise SandboxError(
            "setpriv (util-linux) is missing: cannot drop root for sandboxed code",
            hint="apt-get install util-linux",
        )
    return Sandbox("bwrap", settings)
