"""LangGraph's InMemorySaver plus copy/prune/delete-by-run.

Same storage as the official saver; the optional operations are added so
every backend offers the same capabilities (and passes the same suite).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langgraph.checkpoint.memory import InMemorySaver

__all__ = ["MemorySaver"]


class MemorySaver(InMemorySaver):
    """In-process checkpoints (``memory://``) with every optional capability."""

    def _drop(self, thread_id: str, ns: str, checkpoint_ids: Sequence[str]) -> None:
        spaces = self.storage[thread_id]
        for cid in checkpoint_ids:
            spaces[ns].pop(cid, None)
            self.writes.pop((thread_id, ns, cid), None)
        self._drop_unreferenced_blobs(thread_id, ns)
        if not spaces[ns]:
            del spaces[ns]
        if not spaces:
            del self.storage[thread_id]

    def _drop_unreferenced_blobs(self, thread_id: str, ns: str) -> None:
        used: set[tuple[str, Any]] = set()
        for typed, _md, _parent in self.storage[thread_id][ns].values():
            checkpoint = self.serde.loads_typed(typed)
            used.update(checkpoint["channel_versions"].items())
        for key in [k for k in self.blobs if k[0] == thread_id and k[1] == ns]:
            if (key[2], key[3]) not in used:
                del self.blobs[key]

    async def adelete_for_runs(self, run_ids: Sequence[str]) -> None:
        """Delete the checkpoints (and their writes) written by these runs."""
        wanted = set(run_ids)
        if not wanted:
            return
        for thread_id, spaces in list(self.storage.items()):
            for ns, per_ns in list(spaces.items()):
                doomed = [
                    cid
                    for cid, (_cp, md, _parent) in per_ns.items()
                    if self.serde.loads_typed(md).get("run_id") in wanted
                ]
                if doomed:
                    self._drop(thread_id, ns, doomed)

    async def acopy_thread(self, source_thread_id: str, target_thread_id: str) -> None:
        """Copy every checkpoint, write and value of one thread into another."""
        src, dst = source_thread_id, target_thread_id
        if src not in self.storage:
            return
        for ns, per_ns in self.storage[src].items():
            self.storage[dst][ns].update(per_ns)
        for (thread_id, ns, cid), writes in list(self.writes.items()):
            if thread_id == src:
                self.writes[(dst, ns, cid)] = dict(writes)
        for (thread_id, ns, channel, version), blob in list(self.blobs.items()):
            if thread_id == src:
                self.blobs[(dst, ns, channel, version)] = blob

    async def aprune(
        self, thread_ids: Sequence[str], *, strategy: str = "keep_latest"
    ) -> None:
        """``keep_latest``: newest checkpoint per namespace; ``delete``: all."""
        if strategy not in ("keep_latest", "delete"):
            raise ValueError(f"unknown prune strategy {strategy!r}")
        for thread_id in thread_ids:
            if thread_id not in self.storage:
                continue
            if strategy == "delete":
                await self.adelete_thread(thread_id)
                continue
            for ns, per_ns in list(self.storage[thread_id].items()):
                self._drop(thread_id, ns, sorted(per_ns)[:-1])
