"""The graph under LangGraph's own server (`langgraph dev`, in-memory runtime),
driven with langgraph-sdk: a whole run, then a review stop answered by resume."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from langgraph_sdk import get_client
from tests.cli_runner import cli_env
from tests.samples import GOOD_CODE, GOOD_TESTS, fenced

from tta_codegen.processes import kill_group
from tta_codegen.testing import FakeOpenAIServer, RecordedRequest, Reply

pytestmark = [pytest.mark.langgraph_server, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
LANGGRAPH = Path(sys.executable).parent / "langgraph"


def _answer(request: RecordedRequest) -> Reply:
    if "pytest tests" in str(request.messages[0].get("content", "")):
        return Reply(content=fenced(GOOD_TESTS))
    return Reply(content=fenced(GOOD_CODE))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def fake_llm() -> Iterator[FakeOpenAIServer]:
    """One fake LLM for the module's server, answering by prompt."""
    with FakeOpenAIServer() as server:
        server.responder = _answer
        yield server


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, fake_llm: FakeOpenAIServer
) -> Iterator[str]:
    """`langgraph dev` on loopback, its provider pointed at the fake LLM; one
    server for the module (each test works on threads of its own)."""
    binary = LANGGRAPH
    if not binary.exists():
        pytest.skip("langgraph-cli is not installed (the dev dependency group has it)")
    tmp_path = tmp_path_factory.mktemp("langgraph-dev")
    config = tmp_path / "tta-codegen.toml"
    config.write_text(
        f'[providers.openrouter]\nbase_url = "{fake_llm.base_url}"\n'
        "[generation]\nmax_iterations = 2\n"
    )
    spec = json.loads((REPO / "langgraph.json").read_text())
    spec["dependencies"] = [str(REPO)]
    spec["graphs"] = {
        name: str(REPO / path.removeprefix("./"))
        for name, path in spec["graphs"].items()
    }
    spec.pop("env", None)
    (tmp_path / "langgraph.json").write_text(json.dumps(spec))
    port = _free_port()
    env = cli_env(
        {
            "TTA_CODEGEN_CONFIG": str(config),
            "OPENROUTER_API_KEY": "sk-or-v1-server-test-0123456789",
            "XDG_STATE_HOME": str(tmp_path / "state"),
        }
    )
    log = (tmp_path / "server.log").open("w")
    proc = subprocess.Popen(
        [
            str(binary),
            "dev",
            "--no-browser",
            "--no-reload",
            "--allow-blocking",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--config",
            str(tmp_path / "langgraph.json"),
        ],
        cwd=tmp_path,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail((tmp_path / "server.log").read_text()[-3000:])
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.3)
        yield url
    finally:
        kill_group(proc.pid)
        proc.wait(timeout=30)
        log.close()


async def test_a_run_streams_to_the_end_under_the_server(server: str) -> None:
    client = get_client(url=server)
    assistants = await client.assistants.search()
    assert [a["graph_id"] for a in assistants] == ["tta-codegen"]
    thread = await client.threads.create()
    errors = [
        part.data
        async for part in client.runs.stream(
            thread["thread_id"],
            "tta-codegen",
            input={"request": {"task": "Add two integers.", "modul_name": "calc"}},
        )
        if part.event == "error"
    ]
    assert errors and "modul_name" in json.dumps(errors)
    thread = await client.threads.create()
    nodes: list[str] = []
    async for part in client.runs.stream(
        thread["thread_id"],
        "tta-codegen",
        input={"request": {"task": "Add two integers.", "module_name": "calc"}},
        stream_mode="updates",
    ):
        assert part.event != "error", part.data
        if part.event == "updates":
            nodes.extend(part.data)
    assert nodes[:4] == ["select_model", "build_context", "route", "generate"]
    assert nodes[-1] == "write_output"
    state = await client.threads.get_state(thread["thread_id"])
    assert state["values"]["status"] == "succeeded"
    assert state["values"]["code"] == GOOD_CODE
    assert "sk-or-v1-server-test" not in json.dumps(state)


async def test_a_review_stop_is_answered_with_resume(server: str) -> None:
    client = get_client(url=server)
    thread = await client.threads.create()
    request = {"task": "Add two integers.", "module_name": "calc", "review": True}
    async for part in client.runs.stream(
        thread["thread_id"], "tta-codegen", input={"request": request}
    ):
        assert part.event != "error", part.data
    paused = await client.threads.get_state(thread["thread_id"])
    assert paused["next"] == ["review"]
    interrupt = paused["tasks"][0]["interrupts"][0]["value"]
    assert interrupt["code"] == GOOD_CODE and interrupt["passed"] is True
    edited = GOOD_CODE.replace("Return the sum", "The sum")
    async for part in client.runs.stream(
        thread["thread_id"],
        "tta-codegen",
        command={"resume": {"approved": True, "code": edited}},
    ):
        assert part.event != "error", part.data
    final = await client.threads.get_state(thread["thread_id"])
    assert final["values"]["status"] == "succeeded"
    assert final["values"]["code"] == edited
    assert re.search(r"review", json.dumps(final["values"]["timings"]))
