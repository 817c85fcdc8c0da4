"""Parse and redact checkpoint store URLs (memory, sqlite, redis, postgresql)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from tta_codegen.errors import ConfigError

__all__ = ["StoreURL", "parse_store_url", "redact_url"]

_EXAMPLES = (
    "use memory://, sqlite:///path/to/checkpoints.sqlite, "
    "redis://[:password@]host:port/db (rediss:// for TLS) "
    "or postgresql://user[:password]@host:port/dbname"
)
_POSTGRES_FORM = "write postgresql://user[:password]@host:port/dbname"


@dataclass(frozen=True)
class StoreURL:
    """A checkpoint store URL, checked and split into what each backend needs."""

    kind: Literal["memory", "sqlite", "redis", "postgres"]
    """Which backend."""
    url: str
    """The URL as given (may hold a password: never show it, use ``display``)."""
    display: str
    """The URL with any password replaced by ``***``."""
    path: Path | None = None
    """SQLite: the database file (``~`` expanded); None for ``:memory:``."""


def redact_url(url: str) -> str:
    """``url`` with the password (if any) replaced by ``***``.

    Both places a password can be written are covered: the ``user:password@``
    part and a ``password=`` query parameter (PostgreSQL URLs accept one).
    """
    try:
        parts = urlsplit(url)
        if parts.password is None and "password" not in parts.query.lower():
            return url  # as written: rebuilding would drop sqlite:///'s slashes
        if parts.password is not None:
            host = parts.hostname or ""
            if parts.port is not None:
                host = f"{host}:{parts.port}"
            user = parts.username or ""
            parts = parts._replace(netloc=f"{user}:***@{host}")
        if "password" in parts.query.lower():
            query = [
                (key, "***" if "password" in key.lower() else value)
                for key, value in parse_qsl(parts.query, keep_blank_values=True)
            ]
            parts = parts._replace(query=urlencode(query, safe="*"))
        return urlunsplit(parts)
    except ValueError:
        return "<unparseable URL>"


def parse_store_url(url: str) -> StoreURL:
    """Check ``url`` and say which backend it names, or raise ``ConfigError``."""
    display = redact_url(url)
    scheme, sep, rest = url.partition("://")
    scheme = scheme.lower()
    if not sep:
        raise ConfigError(f"checkpoint URL {display!r} has no scheme; {_EXAMPLES}")
    if scheme == "memory":
        if rest.strip("/"):
            raise ConfigError(f"checkpoint URL {display!r}: memory:// takes no path")
        return StoreURL("memory", url, display)
    if scheme == "sqlite":
        return _sqlite(url, rest, display)
    if scheme in ("redis", "rediss"):
        _check_redis(url, display)
        return StoreURL("redis", url, display)
    if scheme in ("postgresql", "postgres"):
        _check_postgres(url, display)
        return StoreURL("postgres", url, display)
    if scheme.startswith(("postgresql+", "postgres+")):
        raise ConfigError(
            f"checkpoint URL {display!r} names a driver ({scheme}://); {_POSTGRES_FORM}"
        )
    raise ConfigError(
        f"unknown checkpoint URL scheme {scheme + '://'!r} in {display!r}; {_EXAMPLES}"
    )


def _sqlite(url: str, rest: str, display: str) -> StoreURL:
    if not rest.startswith("/") or len(rest) < 2:
        raise ConfigError(
            f"checkpoint URL {display!r}: write sqlite:///relative/path.sqlite, "
            "sqlite:////absolute/path.sqlite or sqlite:///~/path.sqlite"
        )
    raw = rest[1:]
    if raw == ":memory:":
        return StoreURL("sqlite", url, display, None)
    return StoreURL("sqlite", url, display, Path(raw).expanduser())


def _check_redis(url: str, display: str) -> None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ConfigError(
            f"checkpoint URL {display!r} is malformed ({exc}); "
            "write redis://[:password@]host:port/db"
        ) from None
    if not parts.hostname:
        raise ConfigError(
            f"checkpoint URL {display!r} has no host; write redis://host:port/db"
        )
    db = parts.path.strip("/")
    if db and not db.isdigit():
        raise ConfigError(
            f"checkpoint URL {display!r}: the database must be a number "
            f"(redis://host:{port or 6379}/0), got {db!r}"
        )


def _check_postgres(url: str, display: str) -> None:
    """libpq's own parser decides; its message never holds the password."""
    from psycopg import ProgrammingError  # noqa: PLC0415  (only Postgres URLs need it)
    from psycopg.conninfo import conninfo_to_dict  # noqa: PLC0415

    try:
        params = conninfo_to_dict(url)
    except ProgrammingError as exc:
        reason = _safe_reason(str(exc), display)
        raise ConfigError(
            f"checkpoint URL {display!r} is malformed ({reason}); {_POSTGRES_FORM}"
        ) from None
    port = str(params.get("port", "5432"))
    if not all(p.isdigit() and 0 < int(p) < 65536 for p in port.split(",")):
        raise ConfigError(
            f"checkpoint URL {display!r}: the port must be a number, got {port!r}; "
            f"{_POSTGRES_FORM}"
        )


def _safe_reason(message: str, display: str) -> str:
    """libpq's parse error, without a quoted token the redacted URL does not show.

    libpq quotes the offending part (``invalid percent-encoded token: "p%zz"``),
    which may be a piece of the password: it is kept only when ``display``
    already shows it (an unknown query parameter's name, say).
    """
    lines = message.strip().splitlines()
    first = lines[0] if lines else "unparseable"
    head, sep, quoted = first.partition(': "')
    token = quoted.removesuffix('"')
    if sep and token and token in display:
        return first
    return head
