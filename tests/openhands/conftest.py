"""A loopback server standing in for PyPI's JSON API."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


class FakeIndex:
    """Serves ``payload`` as JSON at /pypi/openhands-sdk/json; 404 elsewhere."""

    def __init__(self) -> None:
        self.payload: dict[str, Any] = {"info": {"version": "0.0.0"}, "releases": {}}
        self.hits = 0
        index = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

            def do_GET(self) -> None:  # noqa: N802
                index.hits += 1
                if self.path != "/pypi/openhands-sdk/json":
                    self.send_error(404)
                    return
                body = json.dumps(index.payload).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
        )

    @property
    def url(self) -> str:
        port = self._httpd.server_address[1]
        return f"http://127.0.0.1:{port}/pypi/openhands-sdk/json"

    def release(self, version: str, uploaded: str) -> None:
        self.payload["releases"][version] = [
            {"upload_time_iso_8601": uploaded, "filename": f"sdk-{version}.whl"}
        ]


@pytest.fixture
def fake_index() -> Iterator[FakeIndex]:
    index = FakeIndex()
    index._thread.start()
    try:
        yield index
    finally:
        index._httpd.shutdown()
        index._httpd.server_close()


@pytest.fixture
def closed_port_url() -> str:
    """A loopback URL nothing listens on."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/pypi/openhands-sdk/json"
