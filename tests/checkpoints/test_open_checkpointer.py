"""open_checkpointer: URL checking, opening each backend, clear errors."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from langgraph.checkpoint.conformance.test_utils import (
    generate_checkpoint,
    generate_config,
    generate_metadata,
)
from langgraph.checkpoint.memory import InMemorySaver

from tta_codegen.checkpoints import (
    RedisSaver,
    SqliteSaver,
    StrictSerializer,
    list_thread_ids,
    open_checkpointer,
    redact_url,
)
from tta_codegen.errors import CheckpointError, ConfigError
from tta_codegen.testing.redis_server import redis_server_binary

from .helpers import free_port, put_chain, redis_server


@pytest.mark.unit
@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://db/x", "unknown checkpoint URL scheme 'mysql://'"),
        ("checkpoints.sqlite", "has no scheme"),
        ("sqlite://relative.sqlite", "write sqlite:///relative/path.sqlite"),
        ("sqlite:///", "write sqlite:///relative/path.sqlite"),
        ("memory://somewhere", "memory:// takes no path"),
        ("redis://localhost:notaport/0", "is malformed"),
        ("redis:///0", "has no host"),
        ("redis://localhost:6379/zero", "the database must be a number"),
        ("postgresql://db:notaport/x", "the port must be a number"),
        ("postgres://u:pw@db/x?colour=blue", 'invalid URI query parameter: "colour"'),
        ("postgresql://u:p%zz@db/x", "malformed \\(invalid percent-encoded token\\)"),
        ("postgresql+psycopg://db/x", "names a driver"),
    ],
)
async def test_bad_urls_are_config_errors_with_one_actionable_line(
    url: str, message: str
) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        async with open_checkpointer(url):
            pass
    assert "\n" not in str(caught.value)
    assert caught.value.exit_code == 2
    assert "pw" not in str(caught.value) and "p%zz" not in str(caught.value)
    if url.startswith("postgres"):
        assert "write postgresql://user[:password]@host:port/dbname" in str(
            caught.value
        )


@pytest.mark.unit
async def test_bad_options_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="keep_last must be positive"):
        async with open_checkpointer("memory://", keep_last=0):
            pass


@pytest.mark.unit
async def test_unreachable_redis_names_the_url_without_the_password() -> None:
    url = f"redis://:s3cret-pw@127.0.0.1:{free_port()}/3"
    with pytest.raises(CheckpointError) as caught:
        async with open_checkpointer(url):
            pass
    text = str(caught.value)
    assert "s3cret-pw" not in text
    assert "redis://:***@127.0.0.1" in text
    assert "cannot reach Redis" in text


@pytest.fixture
def password_redis() -> Iterator[int]:
    """A throwaway Redis that requires the password 'right-pw'; yields its port."""
    binary = redis_server_binary()
    if binary is None:
        pytest.skip("no redis-server binary")
    with redis_server(binary, "--requirepass", "right-pw") as port:
        yield port


@pytest.mark.redis
@pytest.mark.integration
async def test_redis_password_is_used_and_never_shown(password_redis: int) -> None:
    good = f"redis://:right-pw@127.0.0.1:{password_redis}/2"
    async with open_checkpointer(good) as saver:
        await put_chain(saver, "t", 1)
        assert await list_thread_ids(saver) == ["t"]

    with pytest.raises(CheckpointError) as caught:
        async with open_checkpointer(good.replace("right-pw", "wr0ng-pw")):
            pass
    assert "wr0ng-pw" not in str(caught.value)
    assert f"redis://:***@127.0.0.1:{password_redis}/2" in str(caught.value)


@pytest.mark.unit
def test_redact_url_hides_only_the_password() -> None:
    assert redact_url("rediss://user:pw@h:6380/1") == "rediss://user:***@h:6380/1"
    assert redact_url("redis://h:6379/0") == "redis://h:6379/0"
    # SQLite URLs are shown as written (a relative and an absolute path)
    assert redact_url("sqlite:///cp.sqlite") == "sqlite:///cp.sqlite"
    assert redact_url("sqlite:////tmp/cp.sqlite") == "sqlite:////tmp/cp.sqlite"
    assert (
        redact_url("postgresql://app:pw@db:5432/cp?password=pw2&sslmode=require")
        == "postgresql://app:***@db:5432/cp?password=***&sslmode=require"
    )


@pytest.mark.integration
async def test_sqlite_expands_home_creates_parents_and_uses_wal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    async with open_checkpointer("sqlite:///~/deep/er/cp.sqlite") as saver:
        assert isinstance(saver, SqliteSaver)
        assert isinstance(saver.serde, StrictSerializer)
        await put_chain(saver, "t", 1)
        async with saver.conn.execute("PRAGMA synchronous") as cur:
            assert (await cur.fetchone()) == (1,)  # NORMAL
    db = tmp_path / "deep" / "er" / "cp.sqlite"
    assert db.exists()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)


@pytest.mark.integration
async def test_sqlite_file_that_cannot_be_opened_is_a_checkpoint_error(
    tmp_path: Path,
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(CheckpointError, match="cannot open SQLite checkpoint file"):
        async with open_checkpointer(f"sqlite:///{blocker}/cp.sqlite"):
            pass
    not_a_db = tmp_path / "notes.txt"
    not_a_db.write_bytes(b"plain text, definitely not SQLite " * 200)
    with pytest.raises(CheckpointError, match="as a checkpoint database"):
        async with open_checkpointer(f"sqlite:///{not_a_db}"):
            pass


@pytest.mark.unit
async def test_memory_backend_uses_the_strict_serializer() -> None:
    async with open_checkpointer("memory://") as saver:
        assert isinstance(saver, InMemorySaver)
        assert isinstance(saver.serde, StrictSerializer)


@pytest.mark.redis
@pytest.mark.integration
async def test_list_thread_ids_on_every_backend(
    tmp_path: Path, redis_url: str, prefix: str
) -> None:
    urls = ["memory://", f"sqlite:///{tmp_path}/cp.sqlite", redis_url]
    for url in urls:
        async with open_checkpointer(url, key_prefix=prefix) as saver:
            for thread_id in ("older", "middle", "newest"):
                await put_chain(saver, thread_id, 2)
            assert await list_thread_ids(saver) == ["newest", "middle", "older"], url
            assert await list_thread_ids(saver, limit=1) == ["newest"], url
            if isinstance(saver, RedisSaver):
                assert saver.key_prefix == prefix


@pytest.mark.redis
@pytest.mark.integration
async def test_backends_agree_on_listing_semantics(
    tmp_path: Path, redis_url: str, prefix: str
) -> None:
    seen = []
    for url in ["memory://", f"sqlite:///{tmp_path}/cp.sqlite", redis_url]:
        async with open_checkpointer(url, key_prefix=prefix) as saver:
            stored = await put_chain(saver, "t", 3)
            await put_chain(saver, "t", 2, ns="child:1")
            await put_chain(saver, "other", 1)
            middle = stored[1]["configurable"]["checkpoint_id"]
            one = [
                t.checkpoint["id"]
                async for t in saver.alist(stored[1], filter={"step": 1})
            ]
            no_ns = {"configurable": {"thread_id": "t"}}
            every_ns = [
                t.config["configurable"]["checkpoint_ns"]
                async for t in saver.alist(no_ns)
            ]
            everything = [t async for t in saver.alist(None)]
            seen.append((one == [middle], sorted(every_ns), len(everything)))
    assert seen == [(True, ["", "", "", "child:1", "child:1"], 6)] * 3


@pytest.mark.redis
@pytest.mark.integration
async def test_prune_keeps_values_the_latest_checkpoint_still_reads(
    tmp_path: Path, redis_url: str, prefix: str
) -> None:
    for url in ["memory://", f"sqlite:///{tmp_path}/cp.sqlite", redis_url]:
        async with open_checkpointer(url, key_prefix=prefix) as saver:
            first = await saver.aput(
                generate_config("t"),
                generate_checkpoint(
                    channel_values={"a": 1, "b": "kept"},
                    channel_versions={"a": 1, "b": 1},
                ),
                generate_metadata(step=0),
                {"a": 1, "b": 1},
            )
            latest = await saver.aput(
                first,
                generate_checkpoint(
                    channel_values={"a": 2, "b": "kept"},
                    channel_versions={"a": 2, "b": 1},
                ),
                generate_metadata(step=1),
                {"a": 2},  # b unchanged: its value was written with `first`
            )

            await saver.aprune(["t"], strategy="keep_latest")

            assert await saver.aget_tuple(first) is None, url
            tup = await saver.aget_tuple(latest)
            assert tup is not None, url
            assert tup.checkpoint["channel_values"] == {"a": 2, "b": "kept"}, url


@pytest.mark.unit
def test_public_names_exist() -> None:
    import tta_codegen.checkpoints as package

    assert all(hasattr(package, name) for name in package.__all__)


@pytest.mark.integration
async def test_settings_section_opens_the_configured_store(tmp_path: Path) -> None:
    from tta_codegen.checkpoints import open_configured_checkpointer
    from tta_codegen.settings import CheckpointSettings

    section = CheckpointSettings(url=f"sqlite:///{tmp_path}/from-settings.sqlite")
    async with open_configured_checkpointer(section) as saver:
        await put_chain(saver, "t", 1)
    assert (tmp_path / "from-settings.sqlite").exists()


@pytest.mark.unit
def test_default_settings_url_names_an_absolute_sqlite_file() -> None:
    from tta_codegen.checkpoints import parse_store_url
    from tta_codegen.settings import Settings

    url = Settings().checkpoints.url
    assert url is not None
    store = parse_store_url(url)
    assert store.kind == "sqlite"
    assert store.path is not None and store.path.is_absolute()
    assert store.path.name == "checkpoints.sqlite"


@pytest.mark.unit
def test_the_default_checkpoint_file_follows_the_state_dir(tmp_path: Path) -> None:
    from tta_codegen.settings import Settings

    settings = Settings(state_dir=tmp_path / "elsewhere")
    assert settings.checkpoints.url == (
        "sqlite:///" + str(tmp_path / "elsewhere" / "checkpoints.sqlite")
    )
