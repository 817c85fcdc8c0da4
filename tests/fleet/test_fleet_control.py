"""Cancel, review, a shared daily budget and RabbitMQ, through real workers."""

from __future__ import annotations

import asyncio
import json
import threading
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import redis
from tests.cli_runner import run_cli
from tests.fleet.conftest import (
    Workers,
    amqp_url,
    answer_by_prompt,
    asks_for_tests,
    use_broker,
)
from tests.samples import GOOD_CODE

from tta_codegen.errors import ExitCode
from tta_codegen.settings import Settings
from tta_codegen.testing import FakeOpenAIServer, RecordedRequest, Reply

pytestmark = [
    pytest.mark.fleet,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.timeout(300),
]


def submit(config: Path, task: str, *args: str | Path) -> str:
    done = run_cli("submit", task, *args, config=config)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def watch(config: Path, thread_id: str) -> tuple[int, dict[str, object], str]:
    done = run_cli("runs", "watch", thread_id, "--json", "--quiet", config=config)
    return done.returncode, json.loads(done.stdout or "{}"), done.stderr


def test_cancel_a_running_and_a_queued_run_then_resume(
    workers: Workers, fleet_config: Path, tmp_path: Path, fake_llm: FakeOpenAIServer
) -> None:
    seen: Counter[str] = Counter()
    lock = threading.Lock()

    def respond(request: RecordedRequest) -> Reply:
        with lock:
            seen[request.prompt] += 1
            first = seen[request.prompt] == 1
        reply = answer_by_prompt(request)
        # only the first code call hangs (a test call is a first prompt too)
        if "zzslow" in request.prompt and first and not asks_for_tests(request):
            return Reply(content=reply.content, delay_s=60)
        return reply

    fake_llm.responder = respond
    workers.start(1, concurrency=1)
    (tmp_path / "a").mkdir()
    running = submit(fleet_config, "Add two integers (zzslow).", "--out",
                     tmp_path / "a" / "calc.py")  # fmt: skip
    queued = submit(fleet_config, "Add two integers (queued).")
    while not fake_llm.calls():
        pass

    for thread_id in (queued, running):
        done = run_cli("runs", "cancel", thread_id, config=fleet_config)
        assert done.returncode == 0, done.stderr
    for thread_id in (running, queued):
        code, result, _ = watch(fleet_config, thread_id)
        assert code == ExitCode.INTERRUPTED
        assert result["status"] == "interrupted"
    assert len(fake_llm.calls()) == 1  # the queued run never started

    again = run_cli("resume", running, "--fleet", config=fleet_config)
    assert again.returncode == 0, again.stderr
    code, result, _ = watch(fleet_config, running)
    assert code == 0 and result["status"] == "succeeded"
    assert (tmp_path / "a" / "calc.py").read_text() == GOOD_CODE
    gone = run_cli("runs", "cancel", running, config=fleet_config)
    assert gone.returncode == 2 and "not queued or running" in gone.stderr


def test_review_through_the_fleet_and_the_api(
    workers: Workers, fleet_config: Path, tmp_path: Path
) -> None:
    from tta_codegen import api  # noqa: PLC0415
    from tta_codegen.events import Event, NodeStarted, RunFinished  # noqa: PLC0415
    from tta_codegen.fleet.client import FleetRun  # noqa: PLC0415
    from tta_codegen.state import CodegenRequest  # noqa: PLC0415

    workers.start(1)
    settings = Settings.load(fleet_config)
    out = str(tmp_path / "calc.py")
    request = CodegenRequest(
        task="Add two integers.", module_name="calc", review=True, out_path=out
    )

    async def submit_and_follow() -> tuple[FleetRun, list[Event]]:
        handle = await api.submit(request, settings=settings)
        return handle, [event async for event in handle.events()]

    handle, seen = asyncio.run(submit_and_follow())
    assert any(isinstance(e, NodeStarted) and e.node == "validate" for e in seen)
    assert isinstance(seen[-1], RunFinished)
    assert seen[-1].result.status == "awaiting_review"
    assert not (tmp_path / "calc.py").exists()

    approved = run_cli("resume", handle.thread_id, "--approve", "--fleet",
                       config=fleet_config)  # fmt: skip
    assert approved.returncode == 0, approved.stderr
    code, result, _ = watch(fleet_config, handle.thread_id)
    assert code == 0 and result["status"] == "succeeded"

    async def awaited() -> str:
        return (await handle).status  # the handle follows the run's last turn

    assert asyncio.run(awaited()) == "succeeded"
    assert (tmp_path / "calc.py").read_text() == GOOD_CODE


def test_a_daily_budget_shared_by_three_workers_is_never_exceeded(
    workers: Workers, fleet_config: Path
) -> None:
    limit = Decimal("0.0035")
    fleet_config.write_text(
        fleet_config.read_text().replace("max_iterations = 1", "max_iterations = 0")
        + f"""
[budget]
max_cost_per_day_usd = "{limit}"

[[models]]
id = "paid-coder"
provider = "openrouter"
input_cost_per_mtok = 1
output_cost_per_mtok = 1
quality = {{code_generation = 9, test_generation = 9}}
"""
    )
    fleet_config.write_text(
        fleet_config.read_text().replace(
            "[generation]\n", "[generation]\nmax_output_tokens = 200\n"
        )
    )
    workers.start(3)
    first = submit(fleet_config, "Add two integers.", "--model", "paid-coder")
    assert watch(fleet_config, first)[0] == 0  # a run fits in the budget
    threads = [
        submit(fleet_config, f"Add two integers ({i}).", "--model", "paid-coder")
        for i in range(8)
    ]
    outcomes = [watch(fleet_config, first), *(watch(fleet_config, t) for t in threads)]

    codes = Counter(code for code, _, _ in outcomes)
    assert codes[ExitCode.NO_MODEL] >= 1, outcomes
    refused = [r for code, r, _ in outcomes if code == ExitCode.NO_MODEL and r]
    assert all("daily budget" in str(r["error"]) for r in refused), refused
    settings = Settings.load(fleet_config)
    client = redis.Redis.from_url(settings.checkpoints.url or "", decode_responses=True)
    day = datetime.now(UTC).date().isoformat()
    spent_nano = int(
        client.hget(f"{settings.routing.key_prefix}:budget:{day}", "spent") or 0
    )
    assert 0 < spent_nano <= int(limit * 10**9)
    paid = sum(Decimal(str(r["usage"]["cost_usd"])) for _, r, _ in outcomes if r)  # type: ignore[index]
    assert paid <= limit


def test_runs_through_rabbitmq(
    workers: Workers, fleet_config: Path, tmp_path: Path
) -> None:
    use_broker(fleet_config, amqp_url())
    workers.start(2, concurrency=1)  # two on one host: each its own node name
    threads = [submit(fleet_config, f"Add two integers ({i}).") for i in range(2)]
    for thread_id in threads:
        code, result, stderr = watch(fleet_config, thread_id)
        assert code == 0 and result["status"] == "succeeded", stderr
    assert "amqp://guest:**@" in workers.log(0)
    for index in (0, 1):
        assert workers.procs[index].poll() is None, workers.log(index)
