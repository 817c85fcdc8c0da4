"""Bytes that are not UTF-8, wherever a user can pass them (an argument, the
config file, a batch file, a file named by an option, an API key), end in one
line naming where the bad byte is, exit 2, never a traceback. Bytes in argv and
the environment need a real process; files are read by the CLI in this one."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from tests.cli_runner import cli_command, cli_env, error_line, run_cli

from tta_codegen.testing import FakeOpenAIServer

pytestmark = pytest.mark.e2e


def run_bytes(
    *args: str | bytes | Path, env: dict[str, str] | None = None, cwd: Path
) -> subprocess.CompletedProcess[str]:
    """``tta-codegen ARGS`` with raw bytes in argv and the environment."""
    head = cli_command()
    environ = {os.fsencode(k): os.fsencode(v) for k, v in cli_env(env).items()}
    return subprocess.run(
        [*head, *args],
        cwd=cwd,
        env=environ,
        capture_output=True,
        text=True,
        errors="backslashreplace",
        timeout=120,
        check=False,
    )


def test_the_task_argument(config_file: Path, tmp_path: Path) -> None:
    line = error_line(
        run_bytes("--config", config_file, "generate", b"Add \xfftwo", cwd=tmp_path)
    )
    assert "command-line argument 4 ('Add \\xfftwo')" in line
    assert "not valid UTF-8 (bad byte at offset 4)" in line


@pytest.mark.parametrize("form", ["separate", "equals"])
def test_the_thread_id(config_file: Path, tmp_path: Path, form: str) -> None:
    given = (
        ["--thread-id", b"ab\xfe"] if form == "separate" else [b"--thread-id=ab\xfe"]
    )
    line = error_line(
        run_bytes("--config", config_file, "generate", "Add.", *given, cwd=tmp_path)
    )
    assert "the value of --thread-id is not valid UTF-8 (bad byte at offset 2)" in line


def test_the_config_file(config_file: Path, tmp_path: Path) -> None:
    config_file.write_bytes(config_file.read_bytes() + b"# caf\xe9\n")
    offset = config_file.read_bytes().index(b"\xe9")
    line = error_line(run_cli("runs", "list", config=config_file, cwd=tmp_path))
    assert f"config file {config_file} is not valid UTF-8" in line
    assert f"(bad byte at offset {offset})" in line


def test_a_batch_file(config_file: Path, tmp_path: Path) -> None:
    batch = tmp_path / "tasks.yaml"
    batch.write_bytes(b"tasks:\n  - id: a\n    task: caf\xe9\n")
    line = error_line(run_cli("batch", batch, config=config_file, cwd=tmp_path))
    offset = batch.read_bytes().index(b"\xe9")
    assert f"batch file {batch} is not valid UTF-8 (bad byte at offset {offset})" in (
        line
    )


def test_a_file_named_by_an_option(config_file: Path, tmp_path: Path) -> None:
    tests = tmp_path / "test_calc.py"
    tests.write_bytes(b"def test_x():\n    assert '\xff'\n")
    line = error_line(
        run_cli(
            "generate",
            "Add two integers.",
            "--existing-tests",
            tests,
            config=config_file,
            cwd=tmp_path,
        )  # fmt: skip
    )
    offset = tests.read_bytes().index(b"\xff")
    assert f"--existing-tests {tests} is not valid UTF-8" in line
    assert f"(bad byte at offset {offset})" in line


@pytest.mark.parametrize(
    "command", [["generate", "Add two integers."], ["context", "show", "Add."]]
)
def test_a_context_file(config_file: Path, tmp_path: Path, command: list[str]) -> None:
    latin = tmp_path / "latin.py"
    latin.write_bytes(b"NAME = 'caf\xe9'\n")
    line = error_line(
        run_cli(*command, "--context", latin, config=config_file, cwd=tmp_path)
    )
    offset = latin.read_bytes().index(b"\xe9")
    assert f"--context {latin} is not valid UTF-8 (bad byte at offset {offset})" in (
        line
    )


def test_an_api_key(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    done = subprocess.run(
        [*cli_command("--config", str(config_file), "generate", "Add.")],
        cwd=tmp_path,
        env={
            **{os.fsencode(k): os.fsencode(v) for k, v in cli_env().items()},
            b"OPENROUTER_API_KEY": b"sk-or-v1-secret\xff0123456789abcdef",
        },
        capture_output=True,
        timeout=120,
        check=False,
    )
    stderr = done.stderr.decode("utf-8", "backslashreplace")
    assert done.returncode == 2, stderr
    assert "Traceback" not in stderr
    assert "OPENROUTER_API_KEY" in stderr
    assert b"secret" not in done.stderr + done.stdout
    assert fake_llm.calls() == []
