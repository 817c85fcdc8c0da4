"""``runs undo THREAD_ID``: put back the files a run wrote."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from tta_codegen.cli._common import out_console, run_async, settings_of

if TYPE_CHECKING:
    from tta_codegen.changes import ChangeSet, UndoOutcome

__all__ = ["undo_command"]

_WHAT = {
    "modified": "restored",
    "created": "brought back",
    "deleted": "removed (the run created it)",
}


def _load(ctx: typer.Context, thread_id: str) -> ChangeSet:
    from tta_codegen.engine import Codegen  # noqa: PLC0415
    from tta_codegen.errors import InputError  # noqa: PLC0415

    async def load() -> ChangeSet | None:
        async with Codegen.open(settings_of(ctx)) as session:
            values = await session.snapshot_values(thread_id)
            return values.get("changes")

    changes = run_async(load())
    if changes is None or not changes.changes:
        raise InputError(
            f"run {thread_id!r} changed no files that can be undone",
            hint="only runs that wrote files record what to put back",
        )
    return changes


def _print(thread_id: str, changes: ChangeSet, outcome: UndoOutcome) -> None:
    console = out_console()
    if outcome.already_undone:
        console.print(
            f"nothing to undo: the files of run {thread_id} are already as they "
            "were before it",
            markup=False,
        )
        return
    console.print(
        f"put back {len(outcome.restored)} file(s) of run {thread_id}:", markup=False
    )
    for change in outcome.restored:
        console.print(
            f"  {changes.relative(change.path)}  {_WHAT[change.kind]}", markup=False
        )


def undo_command(
    ctx: typer.Context,
    thread_id: Annotated[str, typer.Argument(help="The run whose files to put back.")],
    json_output: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Put back the files a run wrote, as they were before it (files it created
    are deleted). Refused, with nothing touched, when one was edited since."""
    from tta_codegen.changes import journal_dir_of, recover, undo  # noqa: PLC0415

    changes = _load(ctx, thread_id)
    journal_dir = journal_dir_of(settings_of(ctx).state_dir)
    recover(journal_dir)
    outcome = undo(changes, journal_dir=journal_dir)
    if json_output:
        print(
            json.dumps(
                {
                    "thread_id": thread_id,
                    "already_undone": outcome.already_undone,
                    "files": [
                        {"path": c.path, "action": _WHAT[c.kind]}
                        for c in outcome.restored
                    ],
                }
            )
        )
        return
    _print(thread_id, changes, outcome)
