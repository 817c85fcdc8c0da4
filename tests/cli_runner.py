"""Run the real ``tta-codegen`` CLI in a subprocess, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def cli_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The test process's environment plus src on PYTHONPATH."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(SRC) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra or {})
    return env


def cli_command(*args: str | Path, config: Path | None = None) -> list[str]:
    """argv for ``tta-codegen [--config FILE] ARGS``."""
    head = [sys.executable, "-m", "tta_codegen"]
    if config is not None:
        head += ["--config", str(config)]
    return head + [str(a) for a in args]


def run_cli(
    *args: str | Path,
    config: Path | None = None,
    cwd: Path | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Run the CLI to completion and capture stdout/stderr."""
    return subprocess.run(
        cli_command(*args, config=config),
        cwd=cwd,
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
