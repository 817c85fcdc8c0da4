"""kill -9 the CLI mid-run, then `tta-codegen resume`: finished LLM calls are
never paid for twice and the run completes."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from tests.cli_runner import cli_command, cli_env, run_cli
from tests.samples import BUGGY_CODE, GOOD_CODE, GOOD_TESTS, fenced

from tta_codegen import Codegen, Settings
from tta_codegen.testing import FakeOpenAIServer, Reply

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ANSWERS = [fenced(BUGGY_CODE), fenced(GOOD_CODE), fenced(GOOD_TESTS)]


def start(config: Path, out: Path) -> subprocess.Popen[str]:
    argv = cli_command(
        "generate",
        "Add two integers.",
        "--out",
        out,
        "--thread-id",
        "crash",
        "--json",
        config=config,
    )
    # Ctrl-C reaches the CLI as it does a terminal's foreground job, even when
    # this test process was started in the background by a shell without job
    # control (a CI runner's `cmd &`), which ignores SIGINT for it and its
    # children; a handler (unlike "ignore") is reset to the default at exec
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return subprocess.Popen(
            argv,
            env=cli_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    finally:
        signal.signal(signal.SIGINT, before)


def wait_for(predicate: object, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.02)
    raise AssertionError("condition not reached")


def finish(config: Path) -> dict[str, object]:
    proc = run_cli("resume", "crash", "--json", config=config)
    assert proc.returncode == 0, proc.stderr
    result: dict[str, object] = json.loads(proc.stdout)
    return result


@pytest.mark.parametrize(
    "in_flight", [0, 1, 2], ids=["generate", "refine", "generate_tests"]
)
def test_killed_while_an_llm_call_is_in_flight(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path, in_flight: int
) -> None:
    replies = [Reply(content=a) for a in ANSWERS]
    hanging = Reply(content=ANSWERS[in_flight], delay_s=60)
    fake_llm.script(*replies[:in_flight], hanging, *replies[in_flight:])
    out = tmp_path / "calc.py"

    proc = start(config_file, out)
    wait_for(lambda: len(fake_llm.calls()) == in_flight + 1)
    proc.kill()
    proc.wait()

    result = finish(config_file)

    assert result["status"] == "succeeded"
    # every call made before the kill finished except the one in flight
    assert len(fake_llm.calls()) == len(ANSWERS) + 1
    assert out.read_text() == GOOD_CODE
    assert not list(tmp_path.glob(".calc.py.*.tmp"))


def test_killed_between_nodes(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    fake_llm.script(*ANSWERS)
    settings = Settings.load(config_file)

    async def tests_checkpointed() -> bool:
        async with Codegen.open(settings) as session:
            snapshot = await session.graph.aget_state(session.config("crash"))
            return "tests" in snapshot.values

    proc = start(config_file, tmp_path / "calc.py")
    wait_for(lambda: asyncio.run(tests_checkpointed()))
    proc.kill()
    proc.wait()

    result = finish(config_file)

    assert result["status"] == "succeeded"
    assert len(fake_llm.calls()) == len(ANSWERS)


def test_ctrl_c_exits_130_and_says_how_to_resume(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path
) -> None:
    fake_llm.script(Reply(content=ANSWERS[0], delay_s=60), *ANSWERS)
    proc = start(config_file, tmp_path / "calc.py")
    wait_for(lambda: len(fake_llm.calls()) == 1)
    proc.send_signal(2)  # SIGINT, as Ctrl-C
    # well before the 60 s answer: the CLI stops without waiting for it
    _, stderr = proc.communicate(timeout=30)

    assert proc.returncode == 130
    assert "tta-codegen resume crash" in stderr
    assert "Traceback" not in stderr
    assert finish(config_file)["status"] == "succeeded"


@pytest.mark.redis
def test_killed_mid_call_resumes_from_redis(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path, redis_url: str
) -> None:
    text = config_file.read_text().replace(
        f'url = "sqlite:///{tmp_path}/checkpoints.sqlite"',
        f'url = "{redis_url}"\nkey_prefix = "c{uuid.uuid4().hex[:8]}"\nttl_s = 600',
    )
    config_file.write_text(text)
    fake_llm.script(
        Reply(content=ANSWERS[0]),
        Reply(content=ANSWERS[1], delay_s=60),
        *[Reply(content=a) for a in ANSWERS[1:]],
    )
    proc = start(config_file, tmp_path / "calc.py")
    wait_for(lambda: len(fake_llm.calls()) == 2)
    proc.kill()
    proc.wait()

    result = finish(config_file)

    assert result["status"] == "succeeded"
    assert len(fake_llm.calls()) == len(ANSWERS) + 1
    assert not (tmp_path / "checkpoints.sqlite").exists()


@pytest.mark.postgres
def test_killed_mid_call_resumes_from_postgres(
    fake_llm: FakeOpenAIServer, config_file: Path, tmp_path: Path, pg_url: str
) -> None:
    text = config_file.read_text().replace(
        f'url = "sqlite:///{tmp_path}/checkpoints.sqlite"', f'url = "{pg_url}"'
    )
    config_file.write_text(text)
    fake_llm.script(
        Reply(content=ANSWERS[0]),
        Reply(content=ANSWERS[1], delay_s=60),
        *[Reply(content=a) for a in ANSWERS[1:]],
    )
    proc = start(config_file, tmp_path / "calc.py")
    wait_for(lambda: len(fake_llm.calls()) == 2)
    proc.kill()
    proc.wait()

    result = finish(config_file)

    assert result["status"] == "succeeded"
    # generate's answer came from the checkpoint: only the killed call is repeated
    assert len(fake_llm.calls()) == len(ANSWERS) + 1
    assert not (tmp_path / "checkpoints.sqlite").exists()
