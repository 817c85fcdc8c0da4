"""Run one watched OpenHands conversation in a worker process.

The worker (``_worker.py``) runs the SDK conversation in a throwaway workspace and
pauses it when the watchdog trips; this side keeps the event loop free, enforces
the wall-clock limit a second time by killing the worker's process group (an LLM
call in flight cannot be paused), and reads the produced files back as untrusted
text.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from tta_codegen.errors import SandboxError
from tta_codegen.openhands._files import read_workspace_file
from tta_codegen.openhands._prompt import build_message, test_file_candidates
from tta_codegen.openhands._reaper import MARKER_ENV, kill_marked
from tta_codegen.openhands.availability import require_sdk
from tta_codegen.openhands.job import OpenHandsJob, OpenHandsResult, RunStatus
from tta_codegen.openhands.watchdog import StopReason
from tta_codegen.processes import process_group
from tta_codegen.settings import OpenHandsSettings

__all__ = ["OpenHandsJob", "OpenHandsResult", "run_openhands"]

KILL_GRACE_S = 15.0
"""Seconds after the wall-clock limit before the worker is killed."""

_PASSED_ENV = (
    "PATH",
    "LANG",
    "LC_ALL",
    "TZ",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "REQUESTS_CA_BUNDLE",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "no_proxy",
)


_LINE_LIMIT = 4 * 1024 * 1024
"""Longest protocol line accepted from the worker."""


@dataclass
class _Progress:
    events: int = 0
    iterations: int = 0
    condensations: int = 0
    result: dict[str, Any] = field(default_factory=dict)


def _worker_env(run_dir: Path, marker: str) -> dict[str, str]:
    """A scrubbed environment: no API keys or tokens of ours reach the agent."""
    env = {name: os.environ[name] for name in _PASSED_ENV if name in os.environ}
    env[MARKER_ENV] = marker
    package_root = Path(__file__).resolve().parents[2]
    env.update(
        HOME=str(run_dir / "home"),
        TMPDIR=str(run_dir / "tmp"),
        TMUX_TMPDIR=str(run_dir / "tmp"),
        PYTHONPATH=str(package_root),
        PYTHONDONTWRITEBYTECODE="1",
        LITELLM_LOCAL_MODEL_COST_MAP="True",
        OPENHANDS_SUPPRESS_BANNER="1",
        LOG_LEVEL="WARNING",
    )
    return env


def _spec(job: OpenHandsJob, settings: OpenHandsSettings, workspace: Path) -> bytes:
    per_token = Decimal(1_000_000)
    spec = {
        "message": build_message(job, workspace),
        "workspace": str(workspace),
        "model": job.model,
        "base_url": job.base_url,
        "api_key": job.api_key,
        "extra_headers": job.extra_headers,
        "input_cost_per_token": (
            None
            if job.input_cost_per_mtok is None
            else str(job.input_cost_per_mtok / per_token)
        ),
        "output_cost_per_token": (
            None
            if job.output_cost_per_mtok is None
            else str(job.output_cost_per_mtok / per_token)
        ),
        "limits": {
            "max_seconds": settings.max_seconds,
            "max_iterations": settings.max_iterations,
            "max_condensations": settings.max_condensations,
        },
        # The SDK's own cap is a backstop behind the watchdog's.
        "sdk_max_iterations": settings.max_iterations + settings.max_condensations + 2,
    }
    return json.dumps(spec).encode()


async def _read_protocol(stream: asyncio.StreamReader, progress: _Progress) -> None:
    while line := await stream.readline():
        try:
            payload = json.loads(line)
        except json.JSONDecodeError:
            continue
        if not isinstance(payload, dict):
            continue
        if payload.get("event") == "progress":
            progress.events = int(payload.get("events", progress.events))
            progress.iterations = int(payload.get("iterations", progress.iterations))
            progress.condensations = int(
                payload.get("condensations", progress.condensations)
            )
        elif payload.get("event") == "result":
            progress.result = payload


async def _run_worker(
    spec: bytes, run_dir: Path, deadline_s: float, stderr_path: Path
) -> tuple[_Progress, bool]:
    """Run the worker; (progress, killed_on_wall_clock)."""
    progress = _Progress()
    marker = uuid.uuid4().hex
    argv = [sys.executable, "-m", "tta_codegen.openhands._worker"]
    killed = False
    with stderr_path.open("wb") as stderr:
        try:
            async with process_group(
                argv,
                cwd=run_dir / "workspace",
                env=_worker_env(run_dir, marker),
                stdin=asyncio.subprocess.PIPE,
                stderr=stderr,
                line_limit=_LINE_LIMIT,
            ) as process:
                assert process.stdin is not None and process.stdout is not None
                process.stdin.write(spec)
                await process.stdin.drain()
                process.stdin.close()

                async def drain() -> None:
                    assert process.stdout is not None
                    await _read_protocol(process.stdout, progress)
                    await process.wait()

                try:
                    await asyncio.wait_for(drain(), timeout=deadline_s)
                except TimeoutError:
                    killed = True
        except OSError as exc:
            raise SandboxError(f"cannot start the OpenHands worker: {exc}") from exc
        finally:
            kill_marked(marker)  # the agent's shell and its background jobs
    return progress, killed


def _redact(text: str, secret: str) -> str:
    # very short "keys" (local servers accept anything) would mangle the text
    return text.replace(secret, "[REDACTED]") if len(secret) >= 8 else text


def _decimal(value: object) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _cost(job: OpenHandsJob, payload: dict[str, Any]) -> Decimal | None:
    cost = _decimal(payload.get("cost_usd"))
    if cost is not None and cost > 0:
        return cost
    if job.input_cost_per_mtok is not None and job.output_cost_per_mtok is not None:
        return cost if cost is not None else Decimal(0)
    return None


def _stderr_tail(path: Path, secret: str, limit: int = 600) -> str:
    text = path.read_text(encoding="utf-8", errors="replace").strip()
    return _redact(text[-limit:], secret)


def _outcome(
    payload: dict[str, Any], killed: bool, stderr_tail: str
) -> tuple[RunStatus, StopReason | None, str]:
    stopped_by: StopReason | None = payload.get("stopped_by")
    error = payload.get("error")
    sdk_status = payload.get("sdk_status", "")
    if killed:
        return "stopped", "wall_clock", "wall-clock limit reached; worker killed"
    if not payload:
        return "error", None, f"the OpenHands worker exited early: {stderr_tail}"
    if sdk_status == "finished":  # finish on the last allowed step still counts
        return "finished", None, str(payload.get("message") or "")
    if stopped_by is not None:
        return "stopped", stopped_by, f"watchdog stopped the conversation: {stopped_by}"
    if error and "MaxIterationsReached" in str(error):
        return "stopped", "iterations", str(error)
    if sdk_status == "stuck":
        return "stopped", None, "OpenHands' stuck detector stopped the conversation"
    return "error", None, str(error or f"conversation ended as {sdk_status!r}")


async def run_openhands(
    job: OpenHandsJob,
    *,
    settings: OpenHandsSettings,
    kill_grace_s: float = KILL_GRACE_S,
) -> OpenHandsResult:
    """Run ``job`` in a watched OpenHands conversation and collect its files.

    Raises ConfigError when the SDK is not installed (even if ``settings`` say
    disabled: calling this is the decision to use it) and SandboxError when the
    worker cannot start. Everything else is a result: finished, stopped (a limit
    tripped) or error, with whatever files the workspace holds.
    """
    require_sdk(settings.model_copy(update={"enabled": True}))
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="tta-openhands-") as tmp:
        run_dir = Path(tmp)
        workspace = run_dir / "workspace"
        for sub in (workspace, run_dir / "home", run_dir / "tmp"):
            sub.mkdir()
        if job.best_draft is not None:
            (workspace / f"{job.module_name}.py").write_text(
                job.best_draft, encoding="utf-8"
            )
        stderr_path = run_dir / "worker.stderr"
        progress, killed = await _run_worker(
            _spec(job, settings, workspace),
            run_dir,
            settings.max_seconds + kill_grace_s,
            stderr_path,
        )
        payload = progress.result
        status, stopped_by, message = _outcome(
            payload, killed, _stderr_tail(stderr_path, job.api_key)
        )
        code = read_workspace_file(workspace, f"{job.module_name}.py")
        tests = next(
            (
                text
                for name in test_file_candidates(job.module_name)
                if (text := read_workspace_file(workspace, name)) is not None
            ),
            None,
        )
    return OpenHandsResult(
        status=status,
        stopped_by=stopped_by,
        code=code,
        tests=tests,
        input_tokens=int(payload.get("input_tokens", 0)),
        output_tokens=int(payload.get("output_tokens", 0)),
        cost_usd=_cost(job, payload),
        events_count=int(payload.get("events_count", progress.events)),
        condensations=int(payload.get("condensations", progress.condensations)),
        iterations=int(payload.get("iterations", progress.iterations)),
        message=_redact(message, job.api_key),
        elapsed_s=round(time.monotonic() - started, 3),
    )
