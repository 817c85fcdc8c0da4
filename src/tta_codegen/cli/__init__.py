"""The ``tta-codegen`` command line (typer + rich).

Each command group lives in its own module exposing ``app: typer.Typer``;
``main`` registers them. Heavy modules are imported inside commands so that
``tta-codegen --help`` stays fast.
"""
