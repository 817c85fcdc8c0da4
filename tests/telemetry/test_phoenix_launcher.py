"""``trace open``'s launcher against a stand-in ``phoenix`` program: found,
started detached with a safe environment, reused, refused, stopped."""

from __future__ import annotations

import os
import socket
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from tta_codegen.errors import ConfigError
from tta_codegen.telemetry.phoenix import (
    PHOENIX_ENV,
    find_phoenix,
    open_phoenix,
    probe,
    stop_phoenix,
)

pytestmark = [pytest.mark.integration]

STAND_IN = """#!{python}
import json, os, sys
from http.server import BaseHTTPRequestHandler, HTTPServer
assert sys.argv[1:] == ["serve"], sys.argv
with open(os.path.join(os.environ["PHOENIX_WORKING_DIR"], "env.json"), "w") as f:
    json.dump(dict(os.environ), f)
{crash}
class Version(BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"20.26.1" if self.path == "/arize_phoenix_version" else b"ok"
        self.send_response(200)
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
HTTPServer(("127.0.0.1", int(os.environ["PHOENIX_PORT"])), Version).serve_forever()
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stand_in(folder: Path, crash: bool = False) -> Path:
    program = folder / "venv" / "bin" / "phoenix"
    program.parent.mkdir(parents=True)
    text = STAND_IN.format(
        python=sys.executable,
        crash='sys.exit("no such table: spans")' if crash else "",
    )
    program.write_text(text)
    program.chmod(0o755)
    return program


@pytest.fixture
def not_phoenix() -> Iterator[int]:
    """A port held by a web server that is not Phoenix."""

    class NotFound(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), NotFound)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield int(server.server_address[1])
    server.shutdown()
    server.server_close()


def test_found_from_the_env_var(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    program = _stand_in(tmp_path)
    monkeypatch.setenv(PHOENIX_ENV, str(tmp_path / "venv"))
    assert find_phoenix() == [str(program)]
    monkeypatch.setenv(PHOENIX_ENV, str(program))
    assert find_phoenix() == [str(program)]
    monkeypatch.setenv(PHOENIX_ENV, sys.executable)
    assert find_phoenix() == [sys.executable, "-m", "phoenix.server.main"]
    monkeypatch.setenv(PHOENIX_ENV, str(tmp_path / "nowhere"))
    with pytest.raises(ConfigError, match="not a Phoenix install"):
        find_phoenix()


def test_started_detached_reused_and_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _stand_in(tmp_path)
    monkeypatch.setenv(PHOENIX_ENV, str(tmp_path / "venv"))
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")
    state, port = tmp_path / "state", _free_port()
    assert probe(f"http://127.0.0.1:{port}") == ("free", "")

    server = open_phoenix(state, port=port, timeout_s=30)
    try:
        assert server.started and server.pid is not None
        assert (server.url, server.version) == (f"http://127.0.0.1:{port}", "20.26.1")
        assert server.otlp_endpoint == server.url
        assert server.trace_url("ab" * 16).endswith("/redirects/traces/" + "ab" * 16)
        assert os.getpgid(server.pid) == server.pid  # its own session and group
        env = (state / "phoenix" / "env.json").read_text()
        for expected in (
            '"PHOENIX_HOST": "127.0.0.1"',
            f'"PHOENIX_PORT": "{port}"',
            '"PHOENIX_TELEMETRY_ENABLED": "false"',
            '"PHOENIX_ALLOW_EXTERNAL_RESOURCES": "false"',
            f'"PHOENIX_WORKING_DIR": "{state / "phoenix"}"',
        ):
            assert expected in env
        assert "OTEL_" not in env  # it must not trace itself into our endpoint

        again = open_phoenix(state, port=port)
        assert not again.started and again.pid == server.pid
    finally:
        stopped = stop_phoenix(state)
    assert stopped == server.pid
    assert probe(server.url)[0] == "free"
    assert stop_phoenix(state) is None


def test_a_second_port_is_refused_while_ours_runs_on_the_same_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _stand_in(tmp_path)
    monkeypatch.setenv(PHOENIX_ENV, str(tmp_path / "venv"))
    state, port, other = tmp_path / "state", _free_port(), _free_port()
    server = open_phoenix(state, port=port, timeout_s=30)
    try:
        with pytest.raises(ConfigError, match=f"already runs on port {port}") as err:
            open_phoenix(state, port=other, timeout_s=30)
        assert f"--port {port}" in (err.value.hint or "")
        assert probe(f"http://127.0.0.1:{other}") == ("free", "")  # none started
    finally:
        stopped = stop_phoenix(state)
    assert stopped == server.pid  # the record still names the one that runs
    assert stop_phoenix(state) is None


def test_a_port_held_by_another_program_is_refused(
    tmp_path: Path, not_phoenix: int
) -> None:
    with pytest.raises(ConfigError, match="not Phoenix") as caught:
        open_phoenix(tmp_path, port=not_phoenix)
    assert "--port" in (caught.value.hint or "")


def test_a_phoenix_that_dies_at_start_is_reported_with_its_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _stand_in(tmp_path, crash=True)
    monkeypatch.setenv(PHOENIX_ENV, str(tmp_path / "venv"))
    with pytest.raises(ConfigError, match="no such table: spans"):
        open_phoenix(tmp_path / "state", port=_free_port(), timeout_s=30)


def test_not_installed_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(PHOENIX_ENV, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    if find_phoenix() is not None:
        pytest.skip("arize-phoenix is installed in this Python")
    with pytest.raises(ConfigError, match="not installed") as caught:
        open_phoenix(tmp_path, port=_free_port())
    assert "tta-codegen[phoenix]" in (caught.value.hint or "")
