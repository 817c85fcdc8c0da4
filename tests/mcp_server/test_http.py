"""``tta-codegen mcp --http``: loopback with a bearer token, refusals elsewhere."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError
from tests.cli_runner import cli_command, cli_env, run_cli

pytestmark = pytest.mark.e2e

TOKEN = "f3a9c2e17b4d4e0c9a8b7c6d5e4f3a2b"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def http_server(config_file: Path, tmp_path: Path) -> Iterator[str]:
    """``mcp --http 127.0.0.1:PORT`` with a token set; yields the endpoint URL."""
    port = _free_port()
    proc = subprocess.Popen(
        cli_command("mcp", "--http", f"127.0.0.1:{port}", config=config_file),
        cwd=tmp_path,
        env=cli_env({"TTA_CODEGEN_MCP_TOKEN": TOKEN}),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/mcp"
    try:
        deadline = time.monotonic() + 60
        with httpx.Client(timeout=1) as client:  # one TLS store load, not one a poll
            while time.monotonic() < deadline and proc.poll() is None:
                try:
                    client.get(url)
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
        assert proc.poll() is None, proc.communicate()[1]
        yield url
    finally:
        proc.terminate()
        _, stderr = proc.communicate(timeout=30)
        assert TOKEN not in stderr


@pytest.mark.slow
async def test_http_on_loopback_serves_clients_that_send_the_token(
    http_server: str,
) -> None:
    async with httpx2.AsyncClient() as anonymous:
        refused = await anonymous.post(http_server, json={})
    assert refused.status_code == 401

    wrong = httpx2.AsyncClient(headers={"Authorization": "Bearer not-the-token"})
    with pytest.raises(ExceptionGroup) as refused_client:
        async with Client(streamable_http_client(http_server, http_client=wrong)):
            pass
    assert refused_client.group_contains(MCPError)

    authorized = httpx2.AsyncClient(headers={"Authorization": f"Bearer {TOKEN}"})
    async with Client(streamable_http_client(http_server, http_client=authorized)) as c:
        names = {t.name for t in (await c.list_tools()).tools}
        outside = await c.call_tool("validate", {"code_path": "/etc/hostname"})
    assert {"generate", "run_status"} <= names
    assert outside.is_error  # over HTTP, paths stay inside the served folder


@pytest.mark.parametrize(
    ("args", "token", "message"),
    [
        (["--http", "0.0.0.0:8765"], None, "not loopback: pass --allow-remote"),
        (["--http", "0.0.0.0:8765", "--allow-remote"], None, "TTA_CODEGEN_MCP_TOKEN"),
        (["--http", "0.0.0.0:8765", "--allow-remote"], "short", "too short"),
        (["--http", "[::]:8765"], TOKEN, "not loopback"),
        (["--allow-remote"], TOKEN, "only applies with --http"),
        (["--http", "localhost"], None, "expected HOST:PORT"),
        (["--http", "127.0.0.1:99999"], None, "port must be"),
    ],
)
def test_refused_binds_exit_2_with_one_line(
    config_file: Path, args: list[str], token: str | None, message: str
) -> None:
    env = {"TTA_CODEGEN_MCP_TOKEN": token} if token else {}
    proc = run_cli("mcp", *args, config=config_file, env=env)
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert proc.stdout == ""


def test_help_names_the_transport_options(config_file: Path) -> None:
    proc = run_cli("mcp", "--help", config=config_file)
    assert proc.returncode == 0
    assert "--http" in proc.stdout and "--allow-remote" in proc.stdout
