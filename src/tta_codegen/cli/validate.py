"""``tta-codegen validate FILE``: the quality gates on any existing file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from tta_codegen.cli._common import run_async, settings_of
from tta_codegen.errors import ExitCode
from tta_codegen.formats.choice import OutputFormat

if TYPE_CHECKING:
    from tta_codegen.state import GateReport

__all__ = ["app", "validate_command"]

app = typer.Typer(help="Run the quality gates on existing code.", add_completion=False)

ProfileName = Literal["development", "staging", "production"]


def _read(path: Path, what: str) -> str:
    from tta_codegen.errors import InputError

    if path.is_dir():
        raise InputError(f"{what} {path} is a folder; give a Python file")
    if not path.is_file():
        raise InputError(f"{what} not found: {path}")
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {what} {path}: {exc}") from None


def _print_table(report: GateReport) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title="Quality gates", show_lines=False)
    for column in ("gate", "severity", "where", "code", "message"):
        table.add_column(column, overflow="fold")
    colour = {"error": "red", "warning": "yellow", "info": "dim"}
    for f in report.findings:
        where = f"{f.path}:{f.line}" if f.line else f.path
        severity = f"[{colour[f.severity]}]{f.severity}[/]"
        table.add_row(f.gate, severity, where, f.code, f.message)
    if report.findings:
        console.print(table)
    summary = f"profile {report.profile}: "
    if report.tests_ran:
        summary += f"{report.tests_passed} passed, {report.tests_failed} failed"
        if report.coverage is not None:
            summary += f", coverage {report.coverage:.0f}%"
    else:
        summary += "no tests ran"
    if report.mutation_score is not None:
        summary += f", mutation score {report.mutation_score:.0%}"
    verdict = "[green]PASSED[/]" if report.passed else "[red]BLOCKED[/]"
    console.print(f"{verdict} ({summary})")


def validate_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Python module to check.")],
    tests: Annotated[
        Path | None, typer.Option("--tests", help="Its pytest tests file.")
    ] = None,
    locked_tests: Annotated[
        Path | None,
        typer.Option("--locked-tests", help="Tests that must keep passing as is."),
    ] = None,
    profile: Annotated[
        ProfileName | None,
        typer.Option("--profile", help="development, staging or production."),
    ] = None,
    prove: Annotated[
        bool,
        typer.Option("--prove", help="Also re-run the tests and run mutants."),
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (same as --format json).")
    ] = False,
    output_format: Annotated[
        OutputFormat | None,
        typer.Option("--format", help="Print json, sarif (2.1.0) or junit (XML)."),
    ] = None,
) -> None:
    """Run the quality gates on FILE (and its tests); exit 1 when something blocks."""
    from tta_codegen.errors import InputError
    from tta_codegen.formats.choice import choose_format
    from tta_codegen.formats.render import render_validate
    from tta_codegen.gates import create_sandbox, run_gates

    chosen = choose_format(output_format, as_json)
    code = _read(file, "file")
    test_text = _read(tests, "tests file") if tests is not None else None
    locked = _read(locked_tests, "locked tests file") if locked_tests else None
    module_name = file.stem
    if not module_name.isidentifier():
        raise InputError(f"{file.name} is not an importable module name")
    settings = settings_of(ctx)
    gates = settings.gates
    if profile is not None:
        gates = gates.model_copy(update={"profile": profile})
    report = run_async(
        run_gates(
            code,
            test_text,
            module_name=module_name,
            settings=gates,
            sandbox=create_sandbox(gates),
            locked_tests=locked,
            final=prove and test_text is not None,
        )
    )
    if chosen is not None:
        print(
            render_validate(
                chosen, report, file, tests=tests, locked_tests=locked_tests
            ),
            end="",
        )
    else:
        _print_table(report)
    raise typer.Exit(ExitCode.SUCCEEDED if report.passed else ExitCode.GATES_FAILED)


app.command("validate")(validate_command)
