"""Run the real ``tta-codegen`` CLI: in this process through the root app (most
tests: the same code path as the console script, much faster), or in a real
subprocess for what needs one (kill -9, Ctrl-C, a fresh interpreter)."""

from __future__ import annotations

import contextlib
import functools
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import typer.main
from typer.core import TyperGroup
from typer.testing import CliRunner

SRC = Path(__file__).resolve().parents[1] / "src"


def cli_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The test process's environment plus src on PYTHONPATH, bytecode cached
    (each CLI process would otherwise compile ~150 modules from source)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = str(SRC) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra or {})
    return env


def cli_args(*args: str | Path, config: Path | None = None) -> list[str]:
    """``[--config FILE] ARGS`` as strings."""
    head = ["--config", str(config)] if config is not None else []
    return head + [str(a) for a in args]


def cli_command(*args: str | Path, config: Path | None = None) -> list[str]:
    """argv for ``tta-codegen [--config FILE] ARGS`` in a new interpreter."""
    return [sys.executable, "-m", "tta_codegen", *cli_args(*args, config=config)]


@contextlib.contextmanager
def _working_dir(cwd: Path | None) -> Iterator[None]:
    if cwd is None:
        yield
        return
    before = Path.cwd()
    os.chdir(cwd)
    try:
        yield
    finally:
        os.chdir(before)


@functools.cache
def _root_command() -> TyperGroup:
    """The root app as one click command for the whole session: typer builds it
    from every command's signature on each call (~40 ms), which hundreds of
    in-process runs would otherwise pay again."""
    from tta_codegen.cli import app

    command = typer.main.get_command(app)
    assert isinstance(command, TyperGroup)
    return command


def run_cli(
    *args: str | Path,
    config: Path | None = None,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``tta-codegen ARGS`` in this process and capture its exit code, stdout
    and stderr, as typer's ``CliRunner.invoke`` does. An exception that escaped
    the CLI (a bug: the CLI must turn every error into a message) is re-raised
    so the test shows it."""
    argv = cli_args(*args, config=config)
    command = _root_command()
    runner = CliRunner()
    isolation = runner.isolation(env={"COLUMNS": "250", **(env or {})})
    with _working_dir(cwd), isolation as (stdout, stderr, _):
        try:
            command.main(args=argv, prog_name=runner.get_default_prog_name(command))
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
        out, err = _text(stdout.getvalue()), _text(stderr.getvalue())
    return subprocess.CompletedProcess(argv, code, out, err)


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace").replace("\r\n", "\n")


def run_cli_process(
    *args: str | Path,
    config: Path | None = None,
    cwd: Path | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Run ``tta-codegen ARGS`` in a new interpreter, as a user's shell would."""
    return subprocess.run(
        cli_command(*args, config=config),
        cwd=cwd,
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def error_line(done: subprocess.CompletedProcess[str]) -> str:
    """The one ``error...`` line of a run that exited 2 without a traceback."""
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    [line] = [x for x in done.stderr.splitlines() if x.startswith("error")]
    return line


def invoke_cli(*args: str | Path, config: Path | None = None) -> RunOutput:
    """``run_cli`` with the result's attribute names of typer's runner."""
    done = run_cli(*args, config=config)
    return RunOutput(done.returncode, done.stdout, done.stderr)


class RunOutput:
    """Exit code and captured output of one in-process CLI run."""

    def __init__(self, exit_code: int, stdout: str, stderr: str) -> None:
        self.exit_code = exit_code
        self.stdout = stdout
        self.stderr = stderr

    @property
    def output(self) -> str:
        """stdout and stderr together."""
        return self.stdout + self.stderr
