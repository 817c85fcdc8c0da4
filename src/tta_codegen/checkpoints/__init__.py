"""Checkpoint stores: memory, SQLite (default), plain Redis and PostgreSQL.

``open_checkpointer(url)`` yields a LangGraph saver for the URL; every backend
decodes with ``make_serializer()`` (strict allow-list of our state types), and
``ensure_compatible`` migrates or refuses a state of another schema version.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tta_codegen._lazy import lazy_exports

if TYPE_CHECKING:
    from tta_codegen.checkpoints.factory import (
        list_thread_ids,
        open_checkpointer,
        open_configured_checkpointer,
    )
    from tta_codegen.checkpoints.memory_saver import MemorySaver
    from tta_codegen.checkpoints.migrate import ensure_compatible
    from tta_codegen.checkpoints.postgres_saver import PostgresSaver
    from tta_codegen.checkpoints.redis_saver import RedisSaver
    from tta_codegen.checkpoints.serde import StrictSerializer, make_serializer
    from tta_codegen.checkpoints.sqlite_saver import SqliteSaver
    from tta_codegen.checkpoints.urls import parse_store_url, redact_url

__all__ = [
    "MemorySaver",
    "PostgresSaver",
    "RedisSaver",
    "SqliteSaver",
    "StrictSerializer",
    "ensure_compatible",
    "list_thread_ids",
    "make_serializer",
    "open_checkpointer",
    "open_configured_checkpointer",
    "parse_store_url",
    "redact_url",
]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "MemorySaver": "tta_codegen.checkpoints.memory_saver",
        "PostgresSaver": "tta_codegen.checkpoints.postgres_saver",
        "RedisSaver": "tta_codegen.checkpoints.redis_saver",
        "SqliteSaver": "tta_codegen.checkpoints.sqlite_saver",
        "StrictSerializer": "tta_codegen.checkpoints.serde",
        "ensure_compatible": "tta_codegen.checkpoints.migrate",
        "list_thread_ids": "tta_codegen.checkpoints.factory",
        "make_serializer": "tta_codegen.checkpoints.serde",
        "open_checkpointer": "tta_codegen.checkpoints.factory",
        "open_configured_checkpointer": "tta_codegen.checkpoints.factory",
        "parse_store_url": "tta_codegen.checkpoints.urls",
        "redact_url": "tta_codegen.checkpoints.urls",
    },
)
