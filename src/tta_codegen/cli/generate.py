"""``generate`` and ``resume``: run the graph with a live view on stderr."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tta_codegen.cli._common import run_async, settings_of
from tta_codegen.cli.options import (
    ContextTypeOption,
    ForceOption,
    FormatOption,
    JsonOption,
    ModelOption,
    NoStreamOption,
    QuietOption,
    ReviewOption,
    TaskArgument,
    TemplateOption,
    ThreadIdOption,
    VarOption,
)
from tta_codegen.errors import CodegenError, ExitCode, InputError
from tta_codegen.formats.choice import OutputFormat

if TYPE_CHECKING:
    from tta_codegen.result import RunResult
    from tta_codegen.settings import Settings
    from tta_codegen.state import CodegenRequest, ReviewDecision

__all__ = ["generate", "report_result", "resume", "run_request"]


def generate(
    ctx: typer.Context,
    task: TaskArgument = "",
    template: TemplateOption = None,
    var: VarOption = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Write the module here; its name is the import name."),
    ] = None,
    tests_out: Annotated[
        Path | None,
        typer.Option(
            help="Write the tests here (default: test_<module>.py beside --out)."
        ),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            help="Write a package of several modules (and its tests) into this "
            "folder instead of one module.",
            file_okay=False,
        ),
    ] = None,
    force: ForceOption = False,
    thread_id: ThreadIdOption = None,
    model: ModelOption = None,
    max_iterations: Annotated[
        int | None,
        typer.Option(min=0, max=20, help="Refinement rounds after the first draft."),
    ] = None,
    review: ReviewOption = False,
    context: Annotated[
        list[Path] | None,
        typer.Option(
            "--context", help="Folder or file of the codebase to draw context from."
        ),
    ] = None,
    context_type: ContextTypeOption = None,
    existing_tests: Annotated[
        Path | None,
        typer.Option(help="Tests you already have for the target; they are locked."),
    ] = None,
    json_output: JsonOption = False,
    output_format: FormatOption = None,
    no_stream: NoStreamOption = False,
    quiet: QuietOption = False,
) -> None:
    """Generate a module (and its tests) for TASK."""
    from tta_codegen.engine import new_thread_id  # noqa: PLC0415
    from tta_codegen.formats.choice import choose_format  # noqa: PLC0415
    from tta_codegen.inputs import build_request  # noqa: PLC0415

    settings = settings_of(ctx)
    chosen = choose_format(output_format, json_output)
    request = build_request(
        settings,
        task=task,
        template=template,
        raw_vars=var or [],
        out=out,
        tests_out=tests_out,
        model=model,
        max_iterations=max_iterations,
        review=review,
        context=context or [],
        context_type=context_type,
        existing_tests=existing_tests,
        out_dir=out_dir,
        force=force,
    )
    run_request(
        settings,
        request,
        None,
        thread_id or new_thread_id(),
        output_format=chosen,
        show_tokens=not no_stream,
        quiet=quiet,
    )


def resume(
    ctx: typer.Context,
    thread_id: Annotated[str, typer.Argument(help="The run to continue.")],
    approve: Annotated[bool, typer.Option(help="Approve a run awaiting review.")] = (
        False
    ),
    reject: Annotated[bool, typer.Option(help="Reject a run awaiting review.")] = False,
    code: Annotated[
        Path | None,
        typer.Option(help="With --approve: this edited file is the approved code."),
    ] = None,
    tests: Annotated[
        Path | None,
        typer.Option(help="With --approve: this edited file is the approved tests."),
    ] = None,
    json_output: JsonOption = False,
    no_stream: NoStreamOption = False,
    quiet: QuietOption = False,
    fleet: Annotated[
        bool,
        typer.Option(
            "--fleet", help="Queue it on the fleet instead (follow: runs watch)."
        ),
    ] = False,
) -> None:
    """Continue an interrupted run, or answer its review."""
    from tta_codegen.inputs import review_decision  # noqa: PLC0415

    settings = settings_of(ctx)
    decision = review_decision(approve=approve, reject=reject, code=code, tests=tests)
    if fleet:
        from tta_codegen.cli.fleet import queue_turns  # noqa: PLC0415

        queue_turns(settings, [(thread_id, None)], decision=decision)
        print(thread_id)
        return
    run_request(
        settings,
        None,
        decision,
        thread_id,
        output_format="json" if json_output else None,
        show_tokens=not no_stream,
        quiet=quiet,
    )


def run_request(
    settings: Settings,
    request: CodegenRequest | None,
    decision: ReviewDecision | None,
    thread_id: str,
    *,
    output_format: OutputFormat | None,
    show_tokens: bool,
    quiet: bool,
) -> None:
    """Run (or resume) a thread with the live view, print its result, exit with
    its exit code."""
    from tta_codegen.cli.live import LiveView  # noqa: PLC0415

    view = LiveView(thread_id, show_tokens=show_tokens, quiet=quiet)
    try:
        result = run_async(view.drive(settings, request, decision, thread_id))
    except KeyboardInterrupt:
        view.close()
        print(
            f"\ninterrupted; nothing finished was lost. Resume with:\n"
            f"  tta-codegen resume {thread_id}",
            file=sys.stderr,
        )
        raise typer.Exit(ExitCode.INTERRUPTED) from None
    except CodegenError:
        view.close()
        raise
    if view.ended_before:
        raise InputError(
            f"run {thread_id} already finished with status {result.status}; "
            "nothing was run",
            hint=f"see its result: tta-codegen runs show {thread_id}",
        )
    _report(result, request, output_format=output_format, quiet=quiet)
    raise typer.Exit(result.exit_code)


def _report(
    result: RunResult,
    request: CodegenRequest | None,
    *,
    output_format: OutputFormat | None,
    quiet: bool,
) -> None:
    from tta_codegen.cli.summary import print_summary  # noqa: PLC0415
    from tta_codegen.formats import render_run  # noqa: PLC0415

    if output_format is not None:
        print(render_run(output_format, result, request), end="")
        return
    if not quiet:
        print_summary(result)
    if result.changes and result.status in ("succeeded", "awaiting_review"):
        print("".join(change.diff for change in result.changes), end="")
    elif result.status == "succeeded" and result.code_path is None and result.code:
        print(result.code, end="" if result.code.endswith("\n") else "\n")


report_result = _report
"""Print a finished run's result: the chosen format, or the summary (also used
by ``runs watch``)."""
