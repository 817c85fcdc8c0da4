"""Run the real ``tta-codegen`` CLI: in a subprocess (crashes, kills, signals) or
in this process through the root app (everything else, much faster)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner, Result

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


def invoke_cli(
    *args: str | Path,
    config: Path | None = None,
    env: dict[str, str] | None = None,
) -> Result:
    """Run ``tta-codegen [--config FILE] ARGS`` in this process (typer's runner),
    through the root app and its error edge, as the console script would."""
    from tta_codegen.cli import app

    head = ["--config", str(config)] if config is not None else []
    return CliRunner().invoke(
        app, [*head, *(str(a) for a in args)], env={"COLUMNS": "250", **(env or {})}
    )
