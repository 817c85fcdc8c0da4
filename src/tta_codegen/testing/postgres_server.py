"""A PostgreSQL server for tests and benchmarks, and a fresh schema per test.

Order: ``$DATABASE_URL`` when set; else a throwaway server made with the
Debian binaries (``/usr/lib/postgresql/*/bin/initdb`` and ``postgres``) in a
temporary directory, on a free loopback port, trust auth, no fsync, stopped
and deleted on exit. PostgreSQL refuses to run as root, so as root the server
runs as the ``postgres`` system user (else ``nobody``). When neither is
possible, ``PostgresUnavailable`` says why.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg import sql

__all__ = [
    "PostgresUnavailable",
    "postgres_binaries",
    "scratch_schema",
    "throwaway_postgres",
    "with_search_path",
]

_START_TIMEOUT_S = 30.0


class PostgresUnavailable(RuntimeError):
    """No DATABASE_URL and no server binaries to start one with."""


def postgres_binaries() -> Path | None:
    """The bin directory of the newest Debian PostgreSQL install, or None."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    for bin_dir in reversed(found):
        if (bin_dir / "initdb").exists() and (bin_dir / "postgres").exists():
            return bin_dir
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_user() -> pwd.struct_passwd | None:
    """Who runs the server: None for ourselves, else an unprivileged account."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise PostgresUnavailable("running as root and no 'postgres' or 'nobody' user")


@contextmanager
def throwaway_postgres() -> Iterator[str]:
    """Yield a postgresql:// URL: ``$DATABASE_URL`` or a server started here."""
    env_url = os.environ.get("DATABASE_URL")
    if env_url:
        yield env_url
        return
    bin_dir = postgres_binaries()
    if bin_dir is None:
        raise PostgresUnavailable(
            "no PostgreSQL: set DATABASE_URL or apt-get install postgresql"
        )
    user = _server_user()
    with tempfile.TemporaryDirectory(prefix="tta-pg-") as workdir:
        if user is not None:
            os.chown(workdir, user.pw_uid, user.pw_gid)
        as_user = _as_user(user)
        data = Path(workdir) / "data"
        subprocess.run(
            [str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres"]
            + ["-A", "trust", "-E", "UTF8", "--no-sync", "--locale=C.UTF-8"],
            check=True,
            capture_output=True,
            user=as_user.user,
            group=as_user.group,
            extra_groups=as_user.extra_groups,
            env=as_user.env,
        )
        port = _free_port()
        proc = subprocess.Popen(
            [str(bin_dir / "postgres"), "-D", str(data), "-p", str(port)]
            + ["-h", "127.0.0.1", "-k", workdir, "-F"]
            + ["-c", "full_page_writes=off", "-c", "synchronous_commit=off"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            user=as_user.user,
            group=as_user.group,
            extra_groups=as_user.extra_groups,
            env=as_user.env,
        )
        try:
            url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
            _wait_until_ready(url, proc)
            yield url
        finally:
            proc.send_signal(signal.SIGINT)  # "fast" shutdown
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
            shutil.rmtree(workdir, ignore_errors=True)


class _RunAs(NamedTuple):
    """Popen's identity arguments: all None to run as ourselves."""

    user: int | None
    group: int | None
    extra_groups: list[int] | None
    env: dict[str, str] | None


def _as_user(user: pwd.struct_passwd | None) -> _RunAs:
    if user is None:
        return _RunAs(None, None, None, None)
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    return _RunAs(user.pw_uid, user.pw_gid, [], env)


def _wait_until_ready(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + _START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise PostgresUnavailable(f"postgres exited with code {proc.returncode}")
        try:
            psycopg.connect(url, connect_timeout=1).close()
            return
        except psycopg.OperationalError:
            time.sleep(0.05)
    raise PostgresUnavailable(f"postgres did not start within {_START_TIMEOUT_S} s")


def with_search_path(url: str, schema: str) -> str:
    """``url`` whose connections use ``schema`` (libpq's ``options`` parameter)."""
    parts = urlsplit(url)
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k != "options"
    ]
    query.append(("options", f"-csearch_path={schema}"))
    return urlunsplit(parts._replace(query=urlencode(query, quote_via=quote)))


@contextmanager
def scratch_schema(url: str, prefix: str = "test") -> Iterator[str]:
    """A new empty schema on the server at ``url``; yields a URL that uses it.

    The schema and everything in it are dropped on exit, so tests can share
    one server (a developer's, or CI's) without seeing each other's rows.
    """
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    try:
        yield with_search_path(url, schema)
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(
                    sql.Identifier(schema)
                )
            )
