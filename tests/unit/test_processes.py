"""Every child process ends with its owner: timeouts, leftovers, bad programs."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from tta_codegen.processes import kill_group, process_group, run_process

pytestmark = [pytest.mark.unit]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie still answers kill(0); it is dead for our purpose
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False


async def test_output_and_exit_status(tmp_path: Path) -> None:
    done = await run_process(
        [sys.executable, "-c", "import sys; print('out'); sys.exit(3)"],
        cwd=tmp_path,
        timeout_s=30,
    )
    assert (done.returncode, done.stdout.strip(), done.timed_out) == (3, "out", False)


async def test_a_hanging_program_is_killed_at_the_wall_clock(tmp_path: Path) -> None:
    done = await run_process(
        [sys.executable, "-c", "import time; time.sleep(60)"],
        cwd=tmp_path,
        timeout_s=0.5,
    )
    assert done.timed_out
    assert done.returncode is not None and done.returncode < 0
    assert done.duration_s < 30


async def test_a_stop_watch_ends_the_program_and_keeps_its_output(
    tmp_path: Path,
) -> None:
    flag = tmp_path / "flag"

    async def flag_written() -> None:
        while not flag.exists():
            await asyncio.sleep(0.01)

    script = (
        "import time\n"
        "print('before', flush=True)\n"
        f"open({str(flag)!r}, 'w').close()\n"
        "time.sleep(60)\n"
    )
    done = await run_process(
        [sys.executable, "-c", script], cwd=tmp_path, timeout_s=30, stop=flag_written
    )
    assert done.returncode == -9
    assert not done.timed_out
    assert done.stdout.strip() == "before"


async def test_a_stop_watch_that_never_fires_changes_nothing(tmp_path: Path) -> None:
    async def never() -> None:
        await asyncio.sleep(3600)

    done = await run_process(
        [sys.executable, "-c", "print('done')"], cwd=tmp_path, timeout_s=30, stop=never
    )
    assert (done.returncode, done.stdout.strip()) == (0, "done")


async def test_a_daemonised_grandchild_does_not_survive(tmp_path: Path) -> None:
    pidfile = tmp_path / "pid"
    script = (
        "import os, time\n"
        "if os.fork() == 0:\n"
        f"    open({str(pidfile)!r}, 'w').write(str(os.getpid()))\n"
        "    time.sleep(60)\n"
        "    os._exit(0)\n"
        "time.sleep(0.3)\n"
    )
    done = await run_process([sys.executable, "-c", script], cwd=tmp_path, timeout_s=30)
    assert done.returncode == 0
    grandchild = int(pidfile.read_text())
    for _ in range(50):
        if not _alive(grandchild):
            break
        await asyncio.sleep(0.05)
    assert not _alive(grandchild)


async def test_a_program_that_cannot_start_is_a_result_not_a_crash(
    tmp_path: Path,
) -> None:
    done = await run_process(["/nonexistent/tool"], cwd=tmp_path, timeout_s=5)
    assert done.returncode is None
    assert "cannot start /nonexistent/tool" in done.stderr


async def test_cancelling_the_owner_kills_the_group(tmp_path: Path) -> None:
    started = asyncio.Event()
    pids: list[int] = []

    async def owner() -> None:
        async with process_group(
            [sys.executable, "-c", "import time; time.sleep(60)"], cwd=tmp_path
        ) as proc:
            pids.append(proc.pid)
            started.set()
            await proc.wait()

    task = asyncio.create_task(owner())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not _alive(pids[0])


def test_killing_a_group_that_is_already_gone_is_quiet() -> None:
    kill_group(2**22 + 12345)  # no such process group
