"""The PostgreSQL store: opening, errors, concurrent setup, what the SQL adds.

Every test gets its own schema (``pg_url``), so they can share one server.
"""

from __future__ import annotations

import asyncio
import math
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import psycopg
import pytest
from langgraph.checkpoint.conformance.test_utils import (
    generate_checkpoint,
    generate_config,
    generate_metadata,
)
from langgraph.checkpoint.postgres.base import MIGRATIONS
from psycopg import sql
from psycopg_pool import AsyncConnectionPool

from tta_codegen.checkpoints import (
    PostgresSaver,
    StrictSerializer,
    list_thread_ids,
    open_checkpointer,
)
from tta_codegen.checkpoints.postgres_open import IDLE_CHECK_S, POOL_MAX, POOL_MIN
from tta_codegen.errors import CheckpointError, StoreUnavailableError
from tta_codegen.testing.postgres_server import with_search_path

from .helpers import free_port, put_chain
from .test_foreign_data import FOREIGN, GARBAGE, THREAD


@asynccontextmanager
async def raw(url: str) -> AsyncIterator[psycopg.AsyncConnection[tuple[object, ...]]]:
    """A plain connection, as anyone with write access to the database has."""
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        yield conn


@pytest.mark.unit
async def test_unreachable_server_names_the_url_without_the_password() -> None:
    url = f"postgresql://app:s3cret-pw@127.0.0.1:{free_port()}/cp"
    with pytest.raises(CheckpointError) as caught:
        async with open_checkpointer(url):
            pass
    text = str(caught.value)
    assert "s3cret-pw" not in text
    assert "cannot reach PostgreSQL at postgresql://app:***@127.0.0.1" in text
    assert "\n" not in text and caught.value.exit_code == 2


@pytest.mark.postgres
@pytest.mark.integration
async def test_refused_login_and_missing_database_are_checkpoint_errors(
    postgres_url: str,
) -> None:
    nobody = f"nobody_{uuid.uuid4().hex[:8]}"
    wrong_user = postgres_url.replace("postgres@", f"{nobody}:pw-{nobody}@", 1)
    with pytest.raises(CheckpointError) as caught:
        async with open_checkpointer(wrong_user):
            pass
    assert f'role "{nobody}" does not exist' in str(caught.value)
    assert f"pw-{nobody}" not in str(caught.value) and ":***@" in str(caught.value)

    missing_db = postgres_url.rsplit("/", 1)[0] + f"/{nobody}"
    with pytest.raises(CheckpointError, match=f'database "{nobody}" does not exist'):
        async with open_checkpointer(missing_db):
            pass


@pytest.mark.postgres
@pytest.mark.integration
async def test_store_uses_the_strict_serializer_and_a_small_pool(pg_url: str) -> None:
    async with open_checkpointer(pg_url) as saver:
        assert isinstance(saver, PostgresSaver)
        assert isinstance(saver.serde, StrictSerializer)
        assert isinstance(saver.conn, AsyncConnectionPool)
        assert (saver.conn.min_size, saver.conn.max_size) == (POOL_MIN, POOL_MAX)


@pytest.mark.postgres
@pytest.mark.integration
async def test_many_processes_opening_a_new_database_at_once_all_succeed(
    pg_url: str,
) -> None:
    # Each opener has its own connections, so the server sees 8 sessions
    # creating the tables at the same moment; LangGraph's setup() alone fails
    # here ("duplicate key value violates unique constraint pg_type...").
    async def open_and_write(n: int) -> list[str]:
        async with open_checkpointer(pg_url) as saver:
            await put_chain(saver, f"t{n}", 1)
            return await list_thread_ids(saver, limit=100)

    results = await asyncio.gather(*(open_and_write(n) for n in range(8)))

    assert sorted(max(results, key=len)) == sorted(f"t{n}" for n in range(8))
    async with raw(pg_url) as conn:
        cur = await conn.execute("SELECT v FROM checkpoint_migrations ORDER BY v")
        assert [row[0] for row in await cur.fetchall()] == list(range(len(MIGRATIONS)))


@pytest.mark.postgres
@pytest.mark.integration
async def test_a_role_without_create_rights_uses_existing_tables(
    pg_url: str, postgres_url: str
) -> None:
    async with open_checkpointer(pg_url):
        pass  # an administrator creates the tables once
    role = f"app_{uuid.uuid4().hex[:8]}"
    schema = pg_url.rsplit("search_path%3D", 1)[1]
    grants = [
        "CREATE ROLE {role} LOGIN",
        "GRANT USAGE ON SCHEMA {schema} TO {role}",
        "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} "
        "TO {role}",
    ]
    async with raw(postgres_url) as conn:
        cur = await conn.execute(
            "SELECT rolsuper OR rolcreaterole FROM pg_roles"
            " WHERE rolname = current_user"
        )
        if not (row := await cur.fetchone()) or not row[0]:
            pytest.skip("the DATABASE_URL user may not create roles")
        for grant in grants:
            await conn.execute(
                sql.SQL(grant).format(  # type: ignore[arg-type]
                    role=sql.Identifier(role), schema=sql.Identifier(schema)
                )
            )
    try:
        as_app = with_search_path(
            postgres_url.replace("postgres@", f"{role}@", 1), schema
        )
        async with open_checkpointer(as_app) as saver:
            await put_chain(saver, "t", 2)
            assert await list_thread_ids(saver) == ["t"]
    finally:
        async with raw(postgres_url) as conn:
            await conn.execute(
                sql.SQL("DROP OWNED BY {r}; DROP ROLE {r}").format(
                    r=sql.Identifier(role)
                )
            )


@pytest.mark.postgres
@pytest.mark.integration
async def test_list_thread_ids_newest_first(pg_url: str) -> None:
    async with open_checkpointer(pg_url) as saver:
        for thread_id in ("older", "middle", "newest"):
            await put_chain(saver, thread_id, 2)
        assert await list_thread_ids(saver) == ["newest", "middle", "older"]
        assert await list_thread_ids(saver, limit=1) == ["newest"]


@pytest.mark.postgres
@pytest.mark.integration
async def test_listing_semantics_match_the_other_stores(pg_url: str) -> None:
    async with open_checkpointer(pg_url) as saver:
        stored = await put_chain(saver, "t", 3)
        await put_chain(saver, "t", 2, ns="child:1")
        await put_chain(saver, "other", 1)
        middle = stored[1]["configurable"]["checkpoint_id"]
        one = [
            t.checkpoint["id"] async for t in saver.alist(stored[1], filter={"step": 1})
        ]
        every_ns = [
            t.config["configurable"]["checkpoint_ns"]
            async for t in saver.alist({"configurable": {"thread_id": "t"}})
        ]
        everything = [t async for t in saver.alist(None)]
    assert one == [middle]
    assert sorted(every_ns) == ["", "", "", "child:1", "child:1"]
    assert len(everything) == 6


@pytest.mark.postgres
@pytest.mark.integration
async def test_prune_keeps_values_the_latest_checkpoint_still_reads(
    pg_url: str,
) -> None:
    async with open_checkpointer(pg_url) as saver:
        first = await saver.aput(
            generate_config("t"),
            generate_checkpoint(
                channel_values={"a": [1], "b": ["kept"]},
                channel_versions={"a": 1, "b": 1},
            ),
            generate_metadata(step=0),
            {"a": 1, "b": 1},
        )
        latest = await saver.aput(
            first,
            generate_checkpoint(
                channel_values={"a": [2], "b": ["kept"]},
                channel_versions={"a": 2, "b": 1},
            ),
            generate_metadata(step=1),
            {"a": 2},  # b unchanged: its blob was written with `first`
        )

        await saver.aprune(["t"], strategy="keep_latest")

        assert await saver.aget_tuple(first) is None
        tup = await saver.aget_tuple(latest)
        assert tup is not None
        assert tup.checkpoint["channel_values"] == {"a": [2], "b": ["kept"]}


@pytest.mark.postgres
@pytest.mark.integration
async def test_values_jsonb_cannot_hold_round_trip(pg_url: str) -> None:
    values: dict[str, object] = {
        "code": "print('a\x00b')",
        "score": math.inf,
        "plain": "no nul here",
    }
    async with open_checkpointer(pg_url) as saver:
        stored = await saver.aput(
            generate_config("t"),
            generate_checkpoint(
                channel_values=values, channel_versions=dict.fromkeys(values, 1)
            ),
            generate_metadata(step=0),
            dict.fromkeys(values, 1),
        )
        tup = await saver.aget_tuple(stored)
    assert tup is not None
    assert tup.checkpoint["channel_values"] == values


@pytest.mark.postgres
@pytest.mark.integration
async def test_delete_for_runs_keeps_what_other_runs_still_read(
    pg_url: str,
) -> None:
    async with open_checkpointer(pg_url) as saver:
        first = await saver.aput(
            generate_config("t"),
            generate_checkpoint(
                channel_values={"shared": ["from run 1"]},
                channel_versions={"shared": 1},
            ),
            generate_metadata(step=0, run_id="run-1"),
            {"shared": 1},
        )
        second = await saver.aput(
            first,
            generate_checkpoint(
                channel_values={"shared": ["from run 1"]},
                channel_versions={"shared": 1},
            ),
            generate_metadata(step=1, run_id="run-2"),
            {},  # unchanged: run 2's checkpoint reads run 1's blob
        )

        await saver.adelete_for_runs(["run-1"])

        assert await saver.aget_tuple(first) is None
        kept = await saver.aget_tuple(second)
        assert kept is not None
        assert kept.checkpoint["channel_values"] == {"shared": ["from run 1"]}


@pytest.mark.postgres
@pytest.mark.integration
@pytest.mark.parametrize(
    ("statement", "reason"),
    [
        ("UPDATE checkpoint_blobs SET blob = %s", "subprocess.Popen is not allow"),
        ("UPDATE checkpoint_blobs SET blob = %s", "corrupted"),
        ("UPDATE checkpoint_writes SET type = 'pickle', blob = %s", "'pickle'"),
        (
            "UPDATE checkpoints SET checkpoint = jsonb_set(checkpoint, "
            "'{channel_values,x}', '{\"__import__\": \"os\"}') WHERE %s IS NOT NULL",
            "channel 'x' holds an inline dict",
        ),
        ("UPDATE checkpoints SET checkpoint = '[]' WHERE %s IS NOT NULL", "shaped"),
    ],
    ids=["foreign-type", "garbage", "pickle-write", "inline-dict", "not-a-row"],
)
async def test_foreign_rows_are_refused(
    pg_url: str, statement: str, reason: str
) -> None:
    payload = GARBAGE if reason == "corrupted" else FOREIGN
    if reason == "'pickle'":
        payload = b"cos\nsystem\n."
    async with open_checkpointer(pg_url) as saver:
        await put_chain(saver, "t", 1, value=["a list goes to the blobs table"])
        async with raw(pg_url) as conn:
            await conn.execute(statement, (payload,))  # type: ignore[arg-type]

        with pytest.raises(CheckpointError, match=reason):
            await saver.aget_tuple(THREAD)
        with pytest.raises(CheckpointError, match=reason):
            _ = [t async for t in saver.alist(THREAD)]


@pytest.mark.postgres
@pytest.mark.integration
async def test_a_lost_connection_is_a_store_outage_naming_the_url(
    pg_url: str,
) -> None:
    async with open_checkpointer(pg_url) as saver:
        assert isinstance(saver, PostgresSaver)
        await put_chain(saver, "t", 1)
        await saver.conn.close()  # type: ignore[union-attr]

        with pytest.raises(StoreUnavailableError) as caught:
            await put_chain(saver, "t", 1)
    assert "PostgreSQL at postgresql://" in str(caught.value)
    assert "stopped answering (could not save a checkpoint)" in str(caught.value)
    assert "resume once the server is back" in str(caught.value)


@pytest.mark.postgres
@pytest.mark.integration
async def test_a_connection_the_server_dropped_is_replaced_quietly(
    pg_url: str,
) -> None:
    async with open_checkpointer(pg_url) as saver:
        assert isinstance(saver, PostgresSaver)
        assert isinstance(saver.conn, AsyncConnectionPool)
        await put_chain(saver, "t", 1)
        async with saver.conn.connection() as conn:
            pid = conn.info.backend_pid
            name = await (await conn.execute("SHOW application_name")).fetchone()
        async with raw(pg_url) as conn:
            await conn.execute("SELECT pg_terminate_backend(%s)", (pid,))
        await asyncio.sleep(IDLE_CHECK_S + 0.1)  # a pause, as for an LLM call

        await put_chain(saver, "t", 1)  # as after a server restart

        assert await list_thread_ids(saver) == ["t"]
    assert name == {"application_name": "tta-codegen"}
