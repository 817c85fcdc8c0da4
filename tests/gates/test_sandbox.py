"""Probes: what untrusted code tries inside the sandbox, and that it is stopped."""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tta_codegen.errors import SandboxError
from tta_codegen.gates import Sandbox, create_sandbox
from tta_codegen.settings import GatesSettings

needs_bwrap = pytest.mark.skipif(
    shutil.which("bwrap") is None, reason="bubblewrap is not installed"
)
pytestmark = [pytest.mark.integration]

UID_BASE = 63000


def sandbox_processes() -> list[int]:
    """Pids of live processes owned by the probe uid range."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        uid_line = next(line for line in status.splitlines() if line.startswith("Uid:"))
        if UID_BASE <= int(uid_line.split()[1]) < UID_BASE + 1000:
            pids.append(int(entry.name))
    return pids


@pytest.fixture(params=[pytest.param("bwrap", marks=needs_bwrap), "process"])
def any_sandbox(request: pytest.FixtureRequest) -> Sandbox:
    return create_sandbox(
        GatesSettings(sandbox=request.param, sandbox_uid=UID_BASE, run_timeout_s=10)
    )


@pytest.fixture
def bwrap_sandbox() -> Sandbox:
    if shutil.which("bwrap") is None:
        pytest.skip("bubblewrap is not installed")
    return create_sandbox(
        GatesSettings(sandbox="bwrap", sandbox_uid=UID_BASE, max_processes=32)
    )


@pytest.fixture
def host_server() -> Iterator[int]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    yield server.getsockname()[1]
    server.close()


async def run(sandbox: Sandbox, code: str, timeout_s: float = 10.0) -> tuple[str, str]:
    result = await sandbox.run(
        ["python", "probe.py"], {"probe.py": code}, timeout_s=timeout_s
    )
    return result.stdout, result.stderr


async def test_host_loopback_port_is_unreachable(
    any_sandbox: Sandbox, host_server: int
) -> None:
    code = (
        "import socket\n"
        "try:\n"
        f"    socket.create_connection(('127.0.0.1', {host_server}), timeout=2)\n"
        "    print('connected')\n"
        "except OSError as exc:\n"
        "    print('refused', exc.errno)\n"
    )
    out, _ = await run(any_sandbox, code)
    assert out.startswith("refused")


async def test_loopback_inside_bwrap_works_for_local_servers(
    bwrap_sandbox: Sandbox,
) -> None:
    code = (
        "import socket\n"
        "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()\n"
        "c = socket.create_connection(s.getsockname(), timeout=2)\n"
        "print('ok')\n"
    )
    out, err = await run(bwrap_sandbox, code)
    assert out.strip() == "ok", err


async def test_api_key_in_our_environment_is_invisible(
    any_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENROUTER_API_KEY", "sk-or-secret-value")
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")
    code = (
        "import os\nprint(sorted(os.environ))\n"
        "print(open('/proc/self/environ').read())\n"
    )
    out, _ = await run(any_sandbox, code)
    assert "sk-or-secret-value" not in out
    assert "OPENROUTER_API_KEY" not in out
    assert "PROXY" not in out.upper()
    assert "OTEL_" not in out


async def test_runs_as_unprivileged_uid_without_capabilities(
    bwrap_sandbox: Sandbox,
) -> None:
    code = (
        "import os\n"
        "caps = [l for l in open('/proc/self/status') if l.startswith('CapEff')]\n"
        "print(os.getuid(), caps[0].split()[1])\n"
    )
    out, _ = await run(bwrap_sandbox, code)
    uid, caps = out.split()
    if os.geteuid() == 0:
        assert UID_BASE <= int(uid) < UID_BASE + 1000
    assert int(caps, 16) == 0


async def test_host_files_are_invisible(bwrap_sandbox: Sandbox) -> None:
    here = Path(__file__).resolve()
    code = (
        "import os\n"
        f"print(os.path.exists({str(here)!r}), os.path.exists('/etc/shadow'))\n"
    )
    out, _ = await run(bwrap_sandbox, code)
    assert out.split() == ["False", "False"]


async def test_ten_gigabyte_allocation_fails(any_sandbox: Sandbox) -> None:
    out, err = await run(
        any_sandbox, "b = bytearray(10 * 1024**3)\nprint('allocated')\n"
    )
    assert "allocated" not in out
    assert "MemoryError" in err


async def test_fork_bomb_is_stopped_by_the_process_limit(
    bwrap_sandbox: Sandbox,
) -> None:
    code = (
        "import os, time\n"
        "n = 0\n"
        "while n < 1000:\n"
        "    try:\n"
        "        if os.fork() == 0:\n"
        "            time.sleep(30)\n"
        "            os._exit(0)\n"
        "        n += 1\n"
        "    except OSError:\n"
        "        break\n"
        "print(n)\n"
    )
    out, _ = await run(bwrap_sandbox, code)
    assert int(out) < 32
    assert sandbox_processes() == []


async def test_infinite_loop_is_killed_at_the_wall_clock(any_sandbox: Sandbox) -> None:
    result = await any_sandbox.run(
        ["python", "-c", "while True: pass"], {}, timeout_s=1.0
    )
    assert result.timed_out
    assert result.killed_reason is not None
    assert result.returncode is not None and result.returncode < 0


async def test_daemonised_grandchild_does_not_survive(bwrap_sandbox: Sandbox) -> None:
    code = (
        "import os, time\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    if os.fork() == 0:\n"
        "        time.sleep(60)\n"
        "    os._exit(0)\n"
        "print('parent exits')\n"
    )
    out, _ = await run(bwrap_sandbox, code)
    assert out.strip() == "parent exits"
    assert sandbox_processes() == []


async def test_files_are_written_to_the_work_dir_and_read_back(
    any_sandbox: Sandbox,
) -> None:
    result = await any_sandbox.run(
        ["python", "-c", "open('out.txt', 'w').write(open('pkg/in.txt').read() * 2)"],
        {"pkg/in.txt": "ab"},
        timeout_s=10,
        outputs=("out.txt",),
    )
    assert result.returncode == 0, result.stderr
    assert result.outputs == {"out.txt": "abab"}


async def test_file_names_escaping_the_work_dir_are_refused(
    any_sandbox: Sandbox,
) -> None:
    with pytest.raises(SandboxError):
        await any_sandbox.run(["python", "-c", "pass"], {"../x.py": ""}, timeout_s=5)


async def test_nothing_outside_tmp_and_the_work_dir_is_writable(
    bwrap_sandbox: Sandbox,
) -> None:
    code = (
        "import os\n"
        "for path in ('/x', '/dev/x', '/dev/shm/x', '/etc/x', '/run/x',\n"
        "             '/run/sandbox-in/x', '/usr/x'):\n"
        "    try:\n"
        "        open(path, 'w').close()\n"
        "        print(path, 'written')\n"
        "    except OSError as exc:\n"
        "        print(path, 'refused', exc.errno)\n"
    )
    out, err = await run(bwrap_sandbox, code)
    assert out.count("refused") == 7, (out, err)


async def test_tmp_and_the_work_dir_are_sized_tmpfs_mounts() -> None:
    if shutil.which("bwrap") is None:
        pytest.skip("bubblewrap is not installed")
    sandbox = create_sandbox(
        GatesSettings(sandbox="bwrap", sandbox_uid=UID_BASE, tmp_mb=8, workdir_mb=16)
    )
    code = (
        "import os\n"
        "for path in ('/tmp', '.'):\n"
        "    info = os.statvfs(path)\n"
        "    print(info.f_blocks * info.f_frsize >> 20)\n"
    )
    out, err = await run(sandbox, code)
    assert out.split() == ["8", "16"], err


def fake_old_bwrap(folder: Path) -> None:
    """A ``bwrap`` on PATH whose --help lacks --size (bubblewrap < 0.7)."""
    script = folder / "bwrap"
    script.write_text("#!/bin/sh\necho '    --tmpfs DEST   Mount new tmpfs on DEST'\n")
    script.chmod(0o755)


def test_required_bwrap_too_old_for_sized_tmpfs_is_an_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake_old_bwrap(tmp_path)
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    with pytest.raises(SandboxError, match=r"older than 0\.7"):
        create_sandbox(GatesSettings(sandbox="bwrap"))


def test_auto_with_too_old_bwrap_falls_back_loudly(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fake_old_bwrap(tmp_path)
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    sandbox = create_sandbox(GatesSettings(sandbox="auto"))
    assert sandbox.kind == "process"
    assert "WEAKER" in caplog.text and "0.7" in caplog.text


def test_required_bwrap_missing_is_an_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(SandboxError, match="bubblewrap"):
        create_sandbox(GatesSettings(sandbox="bwrap"))


def test_auto_without_bwrap_falls_back_loudly(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    sandbox = create_sandbox(GatesSettings(sandbox="auto"))
    assert sandbox.kind == "process"
    assert "WEAKER" in caplog.text
