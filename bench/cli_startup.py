"""CLI start-up: ``tta-codegen --help`` and launch-to-first-LLM-request.

Both run the CLI as a user does, in a fresh subprocess (``python -m
tta_codegen``, the same code as the ``tta-codegen`` console script). Floors, in
the same run: ``python -c pass`` and ``python -c "import typer"`` for --help; a
script that builds a one-node LangGraph graph whose node calls ChatOpenAI, for
the first request.
First request: from ``Popen`` to the moment the fake server (a thread of this
process) receives the chat request; the CLI is then stopped (the rest of the
run is measured elsewhere).

Run: PYTHONPATH=src /work/venv/bin/python bench/cli_startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import socketserver
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import machine, median_ms  # noqa: E402
from tta_codegen.testing import FakeOpenAIServer, Reply  # noqa: E402

# a killed CLI resets its connection; that is expected here, not worth a traceback
socketserver.BaseServer.handle_error = lambda self, request, address: None  # type: ignore[method-assign]

SRC = Path(__file__).resolve().parents[1] / "src"
HELP_TARGET_S = 0.3
FIRST_REQUEST_TARGET_RATIO = 1.15  # of the bare LangGraph + ChatOpenAI script
FLOOR_CLIENT = """
import sys
from typing import TypedDict
from langchain_openai import ChatOpenAI
from langgraph.graph import START, StateGraph
class S(TypedDict):
    text: str
llm = ChatOpenAI(model="m", base_url=sys.argv[1], api_key="x", max_retries=0)
g = StateGraph(S)
g.add_node("ask", lambda s: {"text": str(llm.invoke(s["text"]).content)})
g.add_edge(START, "ask")
g.compile().invoke({"text": "hi"})
"""


def _env(tmp: Path) -> dict[str, str]:
    # as a user runs it: compiled bytecode cached (a shell with
    # PYTHONDONTWRITEBYTECODE set would recompile our ~150 modules every launch,
    # while the floor's site-packages all come with .pyc from pip)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("OTEL_") and k != "PYTHONDONTWRITEBYTECODE"
    }
    env["PYTHONPATH"] = str(SRC)
    env["XDG_STATE_HOME"] = str(tmp / "state")
    env["OPENROUTER_API_KEY"] = "sk-or-v1-bench-0000000000000000"
    return env


def _wall(cmd: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def _until_first_request(
    cmd: list[str], env: dict[str, str], server: FakeOpenAIServer
) -> tuple[float, float]:
    """Wall seconds from Popen to the request at the server, and the CPU seconds
    (user + system) the process used by then: the CPU figure holds on a busy
    machine, where wall time measures the neighbours too."""
    before = len(server.calls())
    started = time.monotonic()
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    reaped = False
    try:
        while len(server.calls()) == before:
            if proc.poll() is not None or time.monotonic() - started > 120:
                raise RuntimeError(f"no request from {cmd[:4]} (exit {proc.poll()})")
            time.sleep(0.002)
        proc.kill()
        _, _, usage = os.wait4(proc.pid, 0)  # reaped here, with its CPU time
        reaped = True
        return (
            server.calls()[before].received_at - started,
            usage.ru_utime + usage.ru_stime,
        )
    finally:
        if not reaped:
            proc.kill()
            proc.wait()


def measure(runs: int) -> dict[str, object]:
    py = sys.executable
    with (
        tempfile.TemporaryDirectory() as tmp_name,
        FakeOpenAIServer(default=Reply(content="```python\nx = 1\n```")) as server,
    ):
        tmp = Path(tmp_name)
        env = _env(tmp)
        config = tmp / "tta-codegen.toml"
        config.write_text(
            f'[providers.openrouter]\nbase_url = "{server.base_url}"\n'
            f'[checkpoints]\nurl = "sqlite:///{tmp}/cp.sqlite"\n'
        )
        cli = [py, "-m", "tta_codegen"]
        generate = [*cli, "--config", str(config), "generate", "Add two integers."]
        _wall([*cli, "--help"], env)  # warm the OS file cache and .pyc files
        _until_first_request(generate, env, server)
        help_s, pass_s, typer_s = [], [], []
        first_s, floor_s, first_cpu, floor_cpu = [], [], [], []
        for _ in range(runs):
            help_s.append(_wall([*cli, "--help"], env))
            pass_s.append(_wall([py, "-c", "pass"], env))
            typer_s.append(_wall([py, "-c", "import typer"], env))
            wall, cpu = _until_first_request(generate, env, server)
            first_s.append(wall)
            first_cpu.append(cpu)
            wall, cpu = _until_first_request(
                [py, "-c", FLOOR_CLIENT, server.base_url], env, server
            )
            floor_s.append(wall)
            floor_cpu.append(cpu)
    help_ms = median_ms(help_s)
    first_ms = median_ms(first_s)
    return {
        "benchmark": "cli_startup",
        "runs": runs,
        "help_ms": help_ms,
        "floor_python_pass_ms": median_ms(pass_s),
        "floor_import_typer_ms": median_ms(typer_s),
        "help_ratio_to_import_typer": round(help_ms / median_ms(typer_s), 3),
        "help_target_ms": HELP_TARGET_S * 1000,
        "help_target_met": help_ms <= HELP_TARGET_S * 1000,
        "first_request_ms": first_ms,
        "floor_first_request_ms": median_ms(floor_s),
        "first_request_ratio": round(first_ms / median_ms(floor_s), 3),
        "first_request_cpu_ms": median_ms(first_cpu),
        "floor_first_request_cpu_ms": median_ms(floor_cpu),
        "first_request_cpu_ratio": round(
            median_ms(first_cpu) / median_ms(floor_cpu), 3
        ),
        "first_request_target_ratio": FIRST_REQUEST_TARGET_RATIO,
        "first_request_target_met": first_ms
        <= FIRST_REQUEST_TARGET_RATIO * median_ms(floor_s),
        "machine": machine(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    print(json.dumps(measure(args.runs), indent=2))


if __name__ == "__main__":
    main()
