"""Parse and redact checkpoint store URLs (memory://, sqlite:///, redis://)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from tta_codegen.errors import ConfigError

__all__ = ["StoreURL", "parse_store_url", "redact_url"]

_EXAMPLES = (
    "use memory://, sqlite:///path/to/checkpoints.sqlite "
    "or redis://[:password@]host:port/db (rediss:// for TLS)"
)


@dataclass(frozen=True)
class StoreURL:
    """A checkpoint store URL, checked and split into what each backend needs."""

    kind: Literal["memory", "sqlite", "redis"]
    """Which backend."""
    url: str
    """The URL as given (may hold a password: never show it, use ``display``)."""
    display: str
    """The URL with any password replaced by ``***``."""
    path: Path | None = None
    """SQLite: the database file (``~`` expanded); None for ``:memory:``."""


def redact_url(url: str) -> str:
    """``url`` with the password (if any) replaced by ``***``."""
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        host = parts.hostname or ""
        if parts.port is not None:
            host = f"{host}:{parts.port}"
        user = parts.username or ""
        return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))
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
