"""A local Arize Phoenix trace viewer: find it, start it in the background, reuse it.

Phoenix (``arize-phoenix`` on PyPI) takes OTLP over HTTP on the same port as
its web UI (``/v1/traces``) and keeps traces in SQLite, so it needs no Docker.
It is found, in this order, at ``$TTA_CODEGEN_PHOENIX`` (its virtualenv, its
``phoenix`` program or its Python), in this Python (``tta-codegen[phoenix]``),
or as ``phoenix`` on the PATH (e.g. ``pipx install arize-phoenix``).

It is started detached (it outlives the command that started it) with its data,
log and pid file in ``<state_dir>/phoenix``, listening on 127.0.0.1 only, with
its own telemetry and external downloads turned off.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import shutil
import signal
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

import httpx

from tta_codegen.errors import ConfigError
from tta_codegen.processes import kill_group, start_detached

__all__ = [
    "DEFAULT_PORT",
    "PHOENIX_ENV",
    "PhoenixServer",
    "find_phoenix",
    "open_phoenix",
    "probe",
    "stop_phoenix",
]

PHOENIX_ENV: Final = "TTA_CODEGEN_PHOENIX"
"""A Phoenix virtualenv, its ``phoenix`` program, or a Python that has it."""
DEFAULT_PORT: Final = 6006
"""Phoenix's usual port: web UI, GraphQL and OTLP/HTTP."""
INSTALL_HINT: Final = (
    "pip install 'tta-codegen[phoenix]', or install arize-phoenix in a venv of its "
    f"own and set {PHOENIX_ENV} to it (docs/tracing.md)"
)
_VERSION = re.compile(r"^\d+\.\d+")
_PROBE_TIMEOUT_S = 2.0
_STOP_WAIT_S = 15.0

PortState = Literal["free", "phoenix", "other"]


@dataclass(frozen=True, slots=True)
class PhoenixServer:
    """A Phoenix answering on a local port."""

    url: str
    """Base URL of the UI, e.g. ``http://127.0.0.1:6006``."""
    version: str
    """Phoenix's version, as it reports it."""
    pid: int | None
    """Its process id when we started it (None: started by someone else)."""
    started: bool
    """True when this call started it, False when it was already running."""
    workdir: Path
    """Where a Phoenix we start keeps its database, log and pid file."""

    @property
    def otlp_endpoint(self) -> str:
        """The value for ``OTEL_EXPORTER_OTLP_ENDPOINT`` (``/v1/traces`` is added
        by the exporter)."""
        return self.url

    def trace_url(self, trace_id: str) -> str:
        """The page of one trace (Phoenix redirects to its project)."""
        return f"{self.url}/redirects/traces/{trace_id}"


def _from_env(value: str) -> list[str]:
    path = Path(value).expanduser()
    if path.name.startswith("python") and path.is_file():
        return [str(path), "-m", "phoenix.server.main"]
    program = path / "bin" / "phoenix" if path.is_dir() else path
    if not (program.is_file() and os.access(program, os.X_OK)):
        raise ConfigError(
            f"{PHOENIX_ENV}={value} is not a Phoenix install",
            hint="point it at a virtualenv with arize-phoenix, its bin/phoenix, "
            "or its python",
        )
    return [str(program)]


def find_phoenix() -> list[str] | None:
    """The command that runs Phoenix's CLI (append ``serve``), or None."""
    configured = os.environ.get(PHOENIX_ENV, "").strip()
    if configured:
        return _from_env(configured)
    try:
        importlib.metadata.version("arize-phoenix")
    except importlib.metadata.PackageNotFoundError:
        pass
    else:
        return [sys.executable, "-m", "phoenix.server.main"]
    on_path = shutil.which("phoenix")
    return [on_path] if on_path else None


def probe(url: str, client: httpx.Client | None = None) -> tuple[PortState, str]:
    """What answers at ``url``: nothing, a Phoenix (and its version), or another
    program. Pass a ``client`` when probing repeatedly: each new one loads the
    TLS trust store (~40 ms of CPU, taken from the Phoenix that is starting)."""
    try:
        if client is None:
            with httpx.Client(timeout=_PROBE_TIMEOUT_S) as own:
                response = own.get(f"{url}/arize_phoenix_version")
        else:
            response = client.get(f"{url}/arize_phoenix_version")
    except httpx.ConnectError:
        return "free", ""
    except httpx.HTTPError:
        return "other", ""
    text = response.text.strip()
    if response.status_code == 200 and _VERSION.match(text):
        return "phoenix", text
    return "other", ""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _service_env(workdir: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    env.update(
        PHOENIX_WORKING_DIR=str(workdir),
        PHOENIX_HOST="127.0.0.1",
        PHOENIX_PORT=str(port),
        PHOENIX_GRPC_PORT=str(_free_port()),
        PHOENIX_TELEMETRY_ENABLED="false",
        PHOENIX_ALLOW_EXTERNAL_RESOURCES="false",
    )
    return env


def _log_tail(log: Path, lines: int = 15) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _exited(pid: int) -> bool:
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:  # not our child: ask the kernel instead
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        return False
    return done == pid


def _wait_ready(url: str, pid: int, log: Path, timeout_s: float) -> str:
    deadline = time.monotonic() + timeout_s
    with httpx.Client(timeout=_PROBE_TIMEOUT_S) as client:
        while time.monotonic() < deadline:
            if _exited(pid):
                raise ConfigError(
                    f"Phoenix exited while starting; its log {log} ends with:\n"
                    + _log_tail(log)
                )
            state, version = probe(url, client)
            if state == "phoenix":
                return version
            time.sleep(0.5)
    kill_group(pid)
    raise ConfigError(
        f"Phoenix did not answer at {url} within {timeout_s:.0f} s (stopped it)",
        hint=f"see its log {log}",
    )


def open_phoenix(
    state_dir: Path, *, port: int = DEFAULT_PORT, timeout_s: float = 120.0
) -> PhoenixServer:
    """Reuse the Phoenix on ``port``, or start one and wait until it answers.

    ConfigError when another program holds the port, Phoenix is not installed,
    or it does not come up in ``timeout_s``.
    """
    url = f"http://127.0.0.1:{port}"
    workdir = state_dir / "phoenix"
    state, version = probe(url)
    if state == "phoenix":
        pid = _recorded_pid(workdir, port)
        return PhoenixServer(url, version, pid, started=False, workdir=workdir)
    if state == "other":
        raise ConfigError(
            f"port {port} is in use by a program that is not Phoenix",
            hint="choose another with --port",
        )
    running = _recorded(workdir)
    if running is not None:  # ours, on another port: one Phoenix per data folder
        raise ConfigError(
            f"a Phoenix of ours already runs on port {running[1]} (pid {running[0]}) "
            f"with the data in {workdir}",
            hint=f"use --port {running[1]}, or stop it first: tta-codegen trace close",
        )
    command = find_phoenix()
    if command is None:
        raise ConfigError("Phoenix is not installed", hint=INSTALL_HINT)
    workdir.mkdir(parents=True, exist_ok=True)
    log = workdir / "phoenix.log"
    try:
        pid = start_detached(
            [*command, "serve"], env=_service_env(workdir, port), log=log
        )
    except OSError as exc:
        raise ConfigError(f"cannot start Phoenix ({command[0]}): {exc}") from None
    (workdir / "phoenix.pid").write_text(f"{pid} {port}\n")
    version = _wait_ready(url, pid, log, timeout_s)
    return PhoenixServer(url, version, pid, started=True, workdir=workdir)


def _recorded(workdir: Path) -> tuple[int, int] | None:
    """The pid and port of the Phoenix ``open_phoenix`` started with the data in
    ``workdir``, while it runs; None otherwise."""
    try:
        pid_text, port_text = (workdir / "phoenix.pid").read_text().split()[:2]
        pid, port = int(pid_text), int(port_text)
    except (OSError, ValueError):
        return None
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    return (pid, port) if b"phoenix" in cmdline else None


def _recorded_pid(workdir: Path, port: int | None = None) -> int | None:
    running = _recorded(workdir)
    if running is None or (port is not None and running[1] != port):
        return None
    return running[0]


def stop_phoenix(state_dir: Path) -> int | None:
    """Stop the Phoenix that ``open_phoenix`` started; its pid, or None when none
    of ours is running."""
    workdir = state_dir / "phoenix"
    pid = _recorded_pid(workdir)
    if pid is None:
        return None
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return None
    deadline = time.monotonic() + _STOP_WAIT_S
    while time.monotonic() < deadline and not _exited(pid):
        time.sleep(0.2)
    kill_group(pid)
    (workdir / "phoenix.pid").unlink(missing_ok=True)
    return pid
