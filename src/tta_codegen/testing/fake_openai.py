"""A loopback OpenAI-compatible server with scripted answers and faults.

It runs in a background thread (stdlib ``http.server``), so it serves clients on any
event loop or thread. Replies come from, in order: a per-model queue
(``script(model=...)``), the shared queue (``script()``), the ``responder``
function, or the default reply.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

from tta_codegen.testing.openai_wire import (
    RecordedRequest,
    Reply,
    SentStream,
    completion_body,
    stream_chunks,
)

__all__ = ["FakeOpenAIServer"]


Responder = Callable[[RecordedRequest], Reply]


@dataclass
class _Script:
    shared: deque[Reply] = field(default_factory=deque)
    per_model: dict[str, deque[Reply]] = field(default_factory=dict)


class FakeOpenAIServer:
    """A real HTTP server speaking the OpenAI chat completions protocol."""

    def __init__(
        self,
        responder: Responder | None = None,
        *,
        default: Reply | None = None,
        models: list[dict[str, Any]] | None = None,
    ) -> None:
        self.responder = responder
        self.default = default or Reply(content="```python\npass\n```")
        self.models = models or []
        self.requests: list[RecordedRequest] = []
        self.streams: list[SentStream] = []
        """Every streamed answer, in the order they started."""
        self._script = _Script()
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------
    def start(self) -> Self:
        handler = _make_handler(self)
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.02},
            name="fake-openai",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """The OpenAI-compatible base URL (ends in /v1)."""
        return f"http://127.0.0.1:{self.port}/v1"

    # -- scripting ---------------------------------------------------------
    def script(self, *replies: Reply | str, model: str | None = None) -> None:
        """Queue replies, consumed one per request (for one model, or any)."""
        items = [r if isinstance(r, Reply) else Reply(content=r) for r in replies]
        with self._lock:
            if model is None:
                self._script.shared.extend(items)
            else:
                self._script.per_model.setdefault(model, deque()).extend(items)

    def calls(self, model: str | None = None) -> list[RecordedRequest]:
        """Chat requests received (for one model, or all)."""
        with self._lock:
            return [
                r
                for r in self.requests
                if r.path.endswith("/chat/completions")
                and (model is None or r.model == model)
            ]

    def _next_reply(self, request: RecordedRequest) -> Reply:
        with self._lock:
            self.requests.append(request)
            queue = self._script.per_model.get(request.model)
            if queue:
                return queue.popleft()
            if self._script.shared:
                return self._script.shared.popleft()
        if self.responder is not None:
            return self.responder(request)
        return self.default


def _make_handler(server: FakeOpenAIServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            return

        def _send_json(
            self,
            status: int,
            payload: dict[str, Any],
            headers: dict[str, str] | None = None,
        ) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802
            if self.path.rstrip("/").endswith("/models"):
                with server._lock:
                    server.requests.append(
                        RecordedRequest(
                            path=self.path,
                            model="",
                            messages=[],
                            stream=False,
                            headers=dict(self.headers.items()),
                            body={},
                            received_at=time.monotonic(),
                        )
                    )
                self._send_json(200, {"object": "list", "data": server.models})
            else:
                self._send_json(404, {"error": {"message": "not found"}})

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length", "0"))
            body: dict[str, Any] = json.loads(self.rfile.read(length) or b"{}")
            if not self.path.rstrip("/").endswith("/chat/completions"):
                self._send_json(404, {"error": {"message": "not found"}})
                return
            request = RecordedRequest(
                path=self.path,
                model=str(body.get("model", "")),
                messages=list(body.get("messages", [])),
                stream=bool(body.get("stream", False)),
                headers=dict(self.headers.items()),
                body=body,
                received_at=time.monotonic(),
                client_port=int(self.client_address[1]),
            )
            reply = server._next_reply(request)
            if reply.delay_s:
                time.sleep(reply.delay_s)
            if reply.raw_body is not None:
                self._send_raw(reply)
                return
            if reply.status != 200:
                self._send_error(reply)
                return
            completion_id = f"chatcmpl-{uuid.uuid4().hex[:16]}"
            if request.stream and not reply.ignore_stream:
                self._send_stream(reply, request, completion_id)
            else:
                self._send_json(200, completion_body(reply, request, completion_id))

        def _send_raw(self, reply: Reply) -> None:
            body = (reply.raw_body or "").encode()
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _send_error(self, reply: Reply) -> None:
            headers: dict[str, str] = {}
            if reply.retry_after_s is not None:
                headers["Retry-After"] = f"{reply.retry_after_s:g}"
            message = reply.content or f"scripted error {reply.status}"
            self._send_json(
                reply.status,
                {
                    "error": {
                        "message": message,
                        "type": "fake_error",
                        "code": reply.status,
                    }
                },
                headers,
            )

        def _send_stream(
            self, reply: Reply, request: RecordedRequest, completion_id: str
        ) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            sent = SentStream(request.model)
            with server._lock:
                server.streams.append(sent)
            try:
                for i, chunk in enumerate(stream_chunks(reply, request, completion_id)):
                    if (
                        reply.drop_after_chunks is not None
                        and i >= reply.drop_after_chunks
                    ):
                        self.connection.shutdown(socket.SHUT_RDWR)
                        self.close_connection = True
                        return
                    event = f"data: {json.dumps(chunk)}\n\n".encode()
                    self._write_chunk(event)
                    sent.bytes_sent += len(event)
                    if reply.chunk_delay_s:
                        time.sleep(reply.chunk_delay_s)
                self._write_chunk(b"data: [DONE]\n\n")
                self._write_chunk(b"")
                sent.finished = True
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

        def _write_chunk(self, data: bytes) -> None:
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            self.wfile.flush()

    return Handler
