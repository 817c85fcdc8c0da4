"""``generation.max_task_bytes``: a task larger than that is bad input, refused
before a thread, a queue entry or anything else is stored."""

from __future__ import annotations

from tta_codegen.errors import InputError
from tta_codegen.settings import Settings

__all__ = ["bounded_task"]


def bounded_task(task: str, settings: Settings) -> str:
    """``task``, or InputError when it is longer than ``max_task_bytes``."""
    size = len(task.encode("utf-8", "surrogateescape"))
    limit = settings.generation.max_task_bytes
    if size > limit:
        raise InputError(
            f"the task is {size} bytes, more than generation.max_task_bytes = {limit}",
            hint="shorten it (put code in --context instead), or raise "
            "[generation] max_task_bytes",
        )
    return task
