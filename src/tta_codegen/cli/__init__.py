"""The ``tta-codegen`` command line (typer + rich).

Each command group lives in its own module exposing ``app: typer.Typer``;
``main`` registers them. Heavy modules are imported inside commands so that
``tta-codegen --help`` stays fast.
"""

from tta_codegen.cli.main import app, main

__all__ = ["app", "main"]
