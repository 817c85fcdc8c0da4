"""Two ``tta-codegen resume`` processes of one thread: the second refuses, naming
the one that holds the run lease, for every checkpoint store."""

from __future__ import annotations

import subprocess
import time
import uuid
from pathlib import Path

import pytest
from tests.cli_runner import cli_command, cli_env, run_cli
from tests.samples import BUGGY_CODE, GOOD_CODE, GOOD_TESTS, fenced

from tta_codegen.errors import ExitCode
from tta_codegen.testing import FakeOpenAIServer, Reply

pytestmark = [pytest.mark.e2e, pytest.mark.fleet, pytest.mark.slow]


def _wait_for_calls(fake_llm: FakeOpenAIServer, count: int) -> None:
    deadline = time.monotonic() + 60
    while len(fake_llm.calls()) < count:
        assert time.monotonic() < deadline, "the LLM call never came"
        time.sleep(0.02)


def _start(config: Path, *args: str | Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        cli_command(*args, config=config),
        env=cli_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _use_store(config_file: Path, tmp_path: Path, url: str | None) -> None:
    text = config_file.read_text()
    if url is not None:
        text = text.replace(
            f'url = "sqlite:///{tmp_path}/checkpoints.sqlite"',
            f'url = "{url}"\nkey_prefix = "lease-{uuid.uuid4().hex}"\nttl_s = 600',
        )
    config_file.write_text(text + "\n[fleet]\nlease_s = 2\n")


@pytest.mark.parametrize("store", ["sqlite", "redis", "postgres"])
def test_second_resume_of_a_thread_refuses(
    fake_llm: FakeOpenAIServer,
    config_file: Path,
    tmp_path: Path,
    store: str,
    request: pytest.FixtureRequest,
) -> None:
    url = None
    if store == "redis":
        url = request.getfixturevalue("redis_url")
    elif store == "postgres":
        url = request.getfixturevalue("pg_url")
    _use_store(config_file, tmp_path, url)
    # a run that failed (every model refused it) is there to resume
    fake_llm.default = Reply(status=400, content="model does not exist")
    out = tmp_path / "calc.py"
    failed = run_cli("generate", "Add two integers.", "--out", out,
                     "--thread-id", "twice", "--quiet", config=config_file)  # fmt: skip
    assert failed.returncode == ExitCode.NO_MODEL, failed.stderr
    calls = len(fake_llm.calls())
    fake_llm.script(
        Reply(content=fenced(BUGGY_CODE), delay_s=60),  # the first resume, held
        fenced(GOOD_CODE),
        fenced(GOOD_TESTS),
    )

    holder = _start(config_file, "resume", "twice", "--quiet")
    _wait_for_calls(fake_llm, calls + 1)
    second = run_cli("resume", "twice", "--quiet", config=config_file)

    assert second.returncode == ExitCode.BUSY, second.stderr
    assert "error[TTA202]: thread twice is being run by run@" in second.stderr
    assert f":{holder.pid}" in second.stderr
    assert "Traceback" not in second.stderr

    holder.kill()
    holder.wait()
    deadline = time.monotonic() + 10  # a Redis lease lapses after lease_s
    while True:
        done = run_cli("resume", "twice", "--json", config=config_file)
        if done.returncode != ExitCode.BUSY or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert done.returncode == 0, done.stderr
    assert out.read_text() == GOOD_CODE
