"""How the server is reached: stdio, or streamable HTTP behind a bind policy.

HTTP binds to loopback unless ``--allow-remote`` is given *and* a token is set
in ``TTA_CODEGEN_MCP_TOKEN``; when a token is set, every HTTP request must carry
it as ``Authorization: Bearer <token>`` (on loopback too).
"""

from __future__ import annotations

import hmac
import ipaddress
import json
from dataclasses import dataclass

from starlette.types import ASGIApp, Receive, Scope, Send

from tta_codegen.errors import InputError

__all__ = [
    "MIN_TOKEN_LENGTH",
    "TOKEN_ENV",
    "BearerTokenGate",
    "HttpPlan",
    "is_loopback",
    "plan_http",
]

TOKEN_ENV = "TTA_CODEGEN_MCP_TOKEN"
"""Environment variable holding the bearer token HTTP clients must send."""
MIN_TOKEN_LENGTH = 16
"""Shorter tokens are refused for a non-loopback bind."""


@dataclass(frozen=True)
class HttpPlan:
    """A checked HTTP bind."""

    host: str
    port: int
    token: str | None
    """Bearer token every request must carry; None on loopback without one."""

    @property
    def loopback(self) -> bool:
        """Bound to this machine only."""
        return is_loopback(self.host)

    @property
    def url(self) -> str:
        """The MCP endpoint clients connect to."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/mcp"


def is_loopback(host: str) -> bool:
    """True for localhost, 127.0.0.0/8 and ::1."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _split(bind: str) -> tuple[str, int]:
    host, sep, port_text = bind.rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    if not sep or not host or not port_text.isdigit():
        raise InputError(f"--http {bind!r}: expected HOST:PORT, e.g. 127.0.0.1:8765")
    port = int(port_text)
    if not 0 < port < 65536:
        raise InputError(f"--http {bind!r}: port must be 1-65535")
    return host, port


def plan_http(bind: str, *, allow_remote: bool, token: str | None) -> HttpPlan:
    """Check ``bind`` against the policy; InputError (one line) when refused."""
    host, port = _split(bind)
    token = token or None
    if is_loopback(host):
        return HttpPlan(host, port, token)
    if not allow_remote or token is None:
        raise InputError(
            f"refusing to serve MCP on {host}:{port}, which is not loopback: pass "
            f"--allow-remote and set {TOKEN_ENV} (clients send it as a bearer "
            "token in the Authorization header), or bind 127.0.0.1"
        )
    if len(token) < MIN_TOKEN_LENGTH:
        raise InputError(
            f"{TOKEN_ENV} is too short for a remote bind: use at least "
            f"{MIN_TOKEN_LENGTH} random characters (e.g. `openssl rand -hex 32`)"
        )
    return HttpPlan(host, port, token)


class BearerTokenGate:
    """ASGI wrapper: HTTP requests without ``Authorization: Bearer <token>``
    get 401 before they reach the MCP app."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self._expected = f"Bearer {token}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not self._authorized(scope):
            body = json.dumps({"error": "missing or wrong bearer token"}).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 401,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"www-authenticate", b'Bearer realm="tta-codegen"'),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, send)

    def _authorized(self, scope: Scope) -> bool:
        for name, value in scope.get("headers", ()):
            if name.lower() == b"authorization":
                return hmac.compare_digest(bytes(value), self._expected)
        return False
