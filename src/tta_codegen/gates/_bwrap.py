"""The bubblewrap command line of the ``bwrap`` sandbox.

The root is an empty read-only tmpfs holding read-only binds of ``/usr`` and
the interpreter, a private ``/proc``, a read-only ``/dev``, and two writable
tmpfs mounts of bounded size: ``/tmp`` and the work dir ``/sandbox``. The input
files are bound read-only at ``/run/sandbox-in`` and copied into the work dir by
the first command; each output is a host file bound at its place in the work dir,
so nothing the code writes reaches the host's disk except into those files (each
capped by RLIMIT_FSIZE).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

__all__ = [
    "INPUTS",
    "WORKDIR",
    "bwrap_argv",
    "copy_inputs_argv",
    "interpreter_roots",
    "write_etc",
]

WORKDIR = "/sandbox"
"""Where the work dir (a sized tmpfs) appears inside bubblewrap."""
INPUTS = "/run/sandbox-in"
"""Where the input files are bound read-only before they are copied."""
COPY_FAILED = "tta-sandbox:"
"""How the copy step's error line starts on stderr."""


def interpreter_roots() -> list[str]:
    """Host paths the sandboxed interpreter needs: our venv and its base Python."""
    roots = {
        os.path.realpath(sys.prefix),
        os.path.realpath(sys.base_prefix),
        str(Path(os.path.realpath(sys.executable)).parent.parent),
    }
    return sorted(r for r in roots if not r.startswith("/usr/") and r != "/usr")


def write_etc(etc: Path, uid: int) -> None:
    """The synthetic passwd, group and hosts files bound into ``/etc``."""
    etc.mkdir()
    (etc / "passwd").write_text(
        f"root:x:0:0::/root:/bin/false\nsandbox:x:{uid}:{uid}::{WORKDIR}:/bin/false\n"
    )
    (etc / "group").write_text(f"root:x:0:\nsandbox:x:{uid}:\n")
    (etc / "hosts").write_text("127.0.0.1 localhost\n::1 localhost\n")


def copy_inputs_argv(argv: list[str]) -> list[str]:
    """``argv`` behind a shell step that copies the inputs into the work dir."""
    script = (
        f"err=$(cp -R {INPUTS}/. {WORKDIR} 2>&1) || "
        f"{{ printf '{COPY_FAILED} %s\\n' \"$err\" >&2; exit 126; }}; "
        'exec "$@"'
    )
    return ["/bin/sh", "-c", script, "sh", *argv]


def _namespaces(root: bool) -> list[str]:
    if not root:
        return ["--unshare-all"]
    return [
        *("--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts"),
        *("--unshare-cgroup-try", "--cap-drop", "ALL"),
        *("--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"),
        *("--cap-add", "CAP_SETPCAP"),
    ]


def _system_dirs() -> list[str]:
    cmd = ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "lib", "lib64", "sbin"):
        path = Path("/") / name
        if path.is_symlink():
            cmd += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            cmd += ["--ro-bind", str(path), str(path)]
    return cmd


def _interpreter() -> list[str]:
    cmd: list[str] = []
    made: set[str] = set()
    for root in interpreter_roots():
        for parent in reversed(PurePosixPath(root).parents):
            text = str(parent)
            if text != "/" and text not in made:
                made.add(text)
                cmd += ["--perms", "0755", "--dir", text]
        cmd += ["--ro-bind", root, root]
    return cmd


def _outputs(outputs: Mapping[str, Path]) -> list[str]:
    cmd: list[str] = []
    made: set[PurePosixPath] = set()
    for name, host in outputs.items():
        for parent in reversed(PurePosixPath(name).parents):
            if parent != PurePosixPath(".") and parent not in made:
                made.add(parent)
                cmd += ["--perms", "1777", "--dir", f"{WORKDIR}/{parent}"]
        cmd += ["--bind", str(host), f"{WORKDIR}/{name}"]
    return cmd


def bwrap_argv(
    inner: list[str],
    *,
    etc: Path,
    inputs: Path,
    outputs: Mapping[str, Path],
    tmp_bytes: int,
    workdir_bytes: int,
    env: Mapping[str, str],
    root: bool,
) -> list[str]:
    """The bubblewrap command that runs ``inner`` (already wrapped by setpriv and
    the copy step) with ``outputs`` (work-dir name -> host file) bound in."""
    cmd = ["bwrap", "--die-with-parent", "--new-session", *_namespaces(root)]
    cmd += _system_dirs()
    cmd += ["--proc", "/proc", "--dev", "/dev"]
    # /tmp is a fresh tmpfs *before* the interpreter is bound in, so a venv
    # that lives under /tmp (a CI checkout) is bound on top of it, not hidden.
    cmd += ["--perms", "1777", "--size", str(tmp_bytes), "--tmpfs", "/tmp"]
    cmd += _interpreter()
    cmd += ["--perms", "0755", "--dir", "/etc", "--perms", "0755", "--dir", "/run"]
    for name in ("passwd", "group", "hosts"):
        cmd += ["--ro-bind", str(etc / name), f"/etc/{name}"]
    cmd += ["--ro-bind", str(inputs), INPUTS]
    cmd += ["--perms", "1777", "--size", str(workdir_bytes), "--tmpfs", WORKDIR]
    cmd += _outputs(outputs)
    # nothing else is writable: not the root tmpfs, not /dev (both unsized)
    cmd += ["--remount-ro", "/dev", "--remount-ro", "/"]
    cmd += ["--chdir", WORKDIR, "--clearenv"]
    for key, value in env.items():
        cmd += ["--setenv", key, value]
    return [*cmd, "--", *inner]
