"""Helpers shared by the command modules: settings, consoles, the event loop.

Errors are not handled here: commands raise ``CodegenError`` and the edge in
``cli.main`` prints it and exits.
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from tta_codegen.settings import Settings

__all__ = ["err_console", "out_console", "run_async", "settings_of"]


def settings_of(ctx: typer.Context) -> Settings:
    """The settings the main callback loaded (or defaults plus environment)."""
    from tta_codegen.settings import Settings  # noqa: PLC0415

    root = ctx.find_root()
    if isinstance(root.obj, Settings):
        return root.obj
    settings = Settings.load()
    root.obj = settings
    return settings


def err_console() -> Console:
    """Console on stderr: progress, tables of errors, live views."""
    from rich.console import Console  # noqa: PLC0415

    # emoji off: a model id such as `x:free:` must not turn into a picture
    return Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)


def out_console() -> Console:
    """Console on stdout: the command's actual output."""
    from rich.console import Console  # noqa: PLC0415

    return Console(highlight=False, soft_wrap=True, emoji=False)


def run_async[T](main: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(main)``; asyncio is imported here, when a command runs,
    not by every ``--help`` (about 30 ms)."""
    import asyncio  # noqa: PLC0415

    return asyncio.run(main)
