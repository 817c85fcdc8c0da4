"""kill -9 a worker while its runs are inside LLM calls and inside validate:
the other workers finish every run, never two at once on one thread, and no
finished LLM call is made again."""

from __future__ import annotations

import json
import threading
from collections import Counter
from pathlib import Path

import pytest
import redis
from tests.cli_runner import run_cli
from tests.fleet.conftest import Workers, answer_by_prompt, asks_for_tests, wait_until
from tests.samples import GOOD_CODE, fenced

from tta_codegen.settings import Settings
from tta_codegen.testing import FakeOpenAIServer, RecordedRequest, Reply

HELD_IN_VALIDATE = GOOD_CODE + "\n\nimport time\n\ntime.sleep(3)\n"
"""The gate runs' module: its import check (validate) lasts 3 s, so the kill
finds those runs inside validate however fast the gates are."""

pytestmark = [
    pytest.mark.fleet,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.timeout(300),
]


def test_runs_of_a_killed_worker_finish_elsewhere(
    workers: Workers, fleet_config: Path, tmp_path: Path, fake_llm: FakeOpenAIServer
) -> None:
    seen: Counter[str] = Counter()
    lock = threading.Lock()

    def respond(request: RecordedRequest) -> Reply:
        reply = answer_by_prompt(request)
        with lock:
            seen[request.prompt] += 1
            first = seen[request.prompt] == 1
        if asks_for_tests(request):
            return reply
        # only the first code call hangs (a test call is a first prompt too)
        if "zzslow" in request.prompt and first:
            return Reply(content=reply.content, delay_s=60)  # killed mid-call
        if "(gate-" in request.prompt:
            return Reply(content=fenced(HELD_IN_VALIDATE))
        return reply

    fake_llm.responder = respond
    settings = Settings.load(fleet_config)
    client = redis.Redis.from_url(settings.checkpoints.url or "", decode_responses=True)
    prefix = settings.checkpoints.key_prefix
    workers.start(1, concurrency=4)
    threads: dict[str, str] = {}
    for name in ("zzslow-a", "zzslow-b", "gate-a", "gate-b"):
        (tmp_path / name).mkdir()
        done = run_cli("submit", f"Add two integers ({name}).", "--out",
                       tmp_path / name / "calc.py", config=fleet_config)  # fmt: skip
        assert done.returncode == 0, done.stderr
        threads[name] = done.stdout.strip()

    def events(thread_id: str) -> list[dict[str, object]]:
        key = f"{prefix}:fleet:events:{thread_id}"
        return [json.loads(f["e"]) for _id, f in client.xrange(key)]

    def in_validate(thread_id: str) -> bool:
        return any(
            e.get("type") == "node_started" and e.get("node") == "validate"
            for e in events(thread_id)
        )

    wait_until(lambda: sum("zzslow" in c.prompt for c in fake_llm.calls()) >= 2)
    wait_until(
        lambda: in_validate(threads["gate-a"]) and in_validate(threads["gate-b"])
    )
    finished_before = len(fake_llm.calls()) - 2  # all but the two hanging calls
    workers.kill(0)
    workers.start(2)

    for name, thread_id in threads.items():
        done = run_cli("runs", "watch", thread_id, "--json", "--quiet",
                       config=fleet_config)  # fmt: skip
        assert done.returncode == 0, (name, done.stdout, done.stderr)
        assert json.loads(done.stdout)["status"] == "succeeded"
        code = HELD_IN_VALIDATE if name.startswith("gate") else GOOD_CODE
        assert (tmp_path / name / "calc.py").read_text() == code

    # two calls a run, plus the two calls the kill cut short; nothing finished
    # before the kill was asked again
    assert len(fake_llm.calls()) == 2 * len(threads) + 2
    assert finished_before >= 2  # at least the code calls of the runs in validate
    repeated = {p: n for p, n in seen.items() if n > 1}
    assert all("zzslow" in p for p in repeated), repeated

    log = client.xrange(f"{prefix}:lease-log")
    killed = {f["holder"] for _id, f in log if f["op"] == "acquire"}
    assert len(killed) >= 2  # the killed worker and at least one other
    for thread_id in threads.values():
        assert_one_holder_at_a_time(
            [
                (int(i.split("-")[0]) / 1000, f)
                for i, f in log
                if f["thread"] == thread_id
            ]
        )


def assert_one_holder_at_a_time(entries: list[tuple[float, dict[str, str]]]) -> None:
    """Each take of a thread's lease comes after the previous holder released it
    or let it lapse (last take or renewal + its time), and a holder that lost
    the lease never renews it again."""
    holder: str | None = None
    valid_until = 0.0
    finished: set[str] = set()
    for at, entry in entries:
        who, op = entry["holder"], entry["op"]
        ttl = int(entry["ttl_ms"]) / 1000
        if op == "acquire":
            assert holder is None or at >= valid_until - 0.01, (entries, at)
            if holder is not None:
                finished.add(holder)
            holder, valid_until = who, at + ttl
        elif op == "renew":
            assert who == holder and who not in finished, entries
            valid_until = at + ttl
        else:
            assert who == holder, entries
            finished.add(who)
            holder, valid_until = None, 0.0
