"""Fleet fixtures: a config on Redis (own key prefix and queue per test) and
real `tta-codegen worker` processes."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tests.cli_runner import cli_command, cli_env
from tests.samples import GOOD_CODE, GOOD_TESTS, fenced

from tta_codegen.testing import FakeOpenAIServer, RecordedRequest, Reply


def asks_for_tests(request: RecordedRequest) -> bool:
    """Whether ``request`` is a generate-tests prompt."""
    return "pytest tests" in str(request.messages[0].get("content", ""))


def answer_by_prompt(request: RecordedRequest) -> Reply:
    """Tests for a test prompt, the good module otherwise."""
    if asks_for_tests(request):
        return Reply(content=fenced(GOOD_TESTS))
    return Reply(content=fenced(GOOD_CODE))


@pytest.fixture
def fleet_config(
    config_file: Path, tmp_path: Path, redis_url: str, fake_llm: FakeOpenAIServer
) -> Path:
    """config_file on Redis checkpoints, with this test's own key prefix and
    queue and a 5 s run lease."""
    fake_llm.responder = answer_by_prompt
    name = f"t{uuid.uuid4().hex[:12]}"
    text = config_file.read_text().replace(
        f'url = "sqlite:///{tmp_path}/checkpoints.sqlite"',
        f'url = "{redis_url}"\nkey_prefix = "{name}"\nttl_s = 3600',
    )
    text = text.replace("max_iterations = 2", "max_iterations = 1")
    text = text.replace(
        'api_key_env = "OPENROUTER_API_KEY"\n',
        'api_key_env = "OPENROUTER_API_KEY"\nfree_requests_per_minute = "unlimited"\n'
        'free_requests_per_day = "unlimited"\n',
    )
    text += f"""
[fleet]
queue = "{name}"
lease_s = 5
concurrency = 2

[routing]
key_prefix = "{name}"
"""
    config_file.write_text(text)
    return config_file


def use_broker(config: Path, broker_url: str) -> None:
    """Send the runs of ``config`` through ``broker_url`` instead of Redis."""
    text = config.read_text()
    config.write_text(
        text.replace("[fleet]\n", f'[fleet]\nbroker_url = "{broker_url}"\n')
    )


def amqp_url() -> str:
    """$BROKER_URL, or the RabbitMQ of this machine; skipped (saying why) when
    neither answers."""
    import kombu  # noqa: PLC0415

    url = os.environ.get("BROKER_URL") or "amqp://guest:guest@127.0.0.1:5672//"
    if not url.startswith("amqp"):
        pytest.skip(f"BROKER_URL is not an amqp:// URL: {url.split('://')[0]}://")
    try:
        with kombu.Connection(url, connect_timeout=3) as conn:
            conn.ensure_connection(max_retries=1)
    except Exception as exc:  # noqa: BLE001 - any failure means: not reachable
        pytest.skip(f"RabbitMQ not reachable ({type(exc).__name__}); set BROKER_URL")
    return url


class Workers:
    """`tta-codegen worker` processes this test started (and stops)."""

    def __init__(self, config: Path, logs: Path) -> None:
        self.config = config
        self.logs = logs
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, count: int = 1, *, concurrency: int = 2) -> list[int]:
        started = []
        for _ in range(count):
            index = len(self.procs)
            log = (self.logs / f"worker-{index}.log").open("wb")
            proc = subprocess.Popen(
                cli_command(
                    "worker", "--concurrency", str(concurrency), config=self.config
                ),
                env=cli_env(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            self.procs.append(proc)
            started.append(index)
        for index in started:
            self.wait_ready(index)
        return started

    def log(self, index: int) -> str:
        return (self.logs / f"worker-{index}.log").read_text(errors="replace")

    def wait_ready(self, index: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while " ready." not in self.log(index):
            assert self.procs[index].poll() is None, self.log(index)
            assert time.monotonic() < deadline, self.log(index)
            time.sleep(0.1)

    def kill(self, index: int) -> None:
        """kill -9: no shutdown, no acknowledgement, no lease release."""
        self.procs[index].send_signal(signal.SIGKILL)
        self.procs[index].wait()

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture
def workers(fleet_config: Path, tmp_path: Path) -> Iterator[Workers]:
    """Start workers with ``workers.start(n)``; all are stopped after the test."""
    logs = tmp_path / "logs"
    logs.mkdir()
    pool = Workers(fleet_config, logs)
    yield pool
    pool.stop_all()


def wait_until(predicate: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.05)
