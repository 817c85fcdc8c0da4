"""The human-readable end-of-run summary (stderr)."""

from __future__ import annotations

from rich.markup import escape

from tta_codegen.cli._common import err_console
from tta_codegen.result import RunResult

__all__ = ["print_summary"]

_STYLE = {
    "succeeded": "green",
    "failed": "red",
    "awaiting_review": "yellow",
    "interrupted": "yellow",
}


def print_summary(result: RunResult) -> None:
    """Status, files, model, iterations, usage, findings and what to do next."""
    console = err_console()
    style = _STYLE.get(result.status, "white")
    console.print(
        f"[bold {style}]{result.status}[/] thread {result.thread_id}"
        f" · model {result.model or '-'} · route {result.route or '-'}"
        f" · {result.iterations} refinement round(s)"
    )
    usage = result.usage
    cost = f"${usage.cost_usd:.6f}"
    if usage.cost_unknown_calls:
        cost += f" (+{usage.cost_unknown_calls} call(s) of unknown cost)"
    console.print(
        f"tokens in/out {usage.input_tokens}/{usage.output_tokens} · {cost}"
        + (f" · trace {result.trace_id}" if result.trace_id else "")
    )
    for label, path in (("code", result.code_path), ("tests", result.tests_path)):
        if path:
            console.print(f"wrote {label}: {path}")
    verb = "changed" if result.status == "succeeded" else "would change"
    for change in result.changes:
        console.print(
            f"{verb}: {change.path} ({change.kind}, +{change.added} -{change.removed})",
            markup=False,
        )
    for f in result.findings:
        where = f"{f.path}:{f.line}" if f.line else f.path
        console.print(
            f"  [{'red' if f.blocking else 'yellow'}]{f.severity}[/] "
            + escape(f"{f.gate} {f.code} {where} {f.message}"),
            markup=True,
        )
    if result.error:
        console.print(f"[red]{escape(result.error)}[/]")
    if result.status == "awaiting_review":
        console.print(
            f"review it (tta-codegen runs show {result.thread_id} --code), then: "
            f"tta-codegen resume {result.thread_id} --approve [--code FILE] | --reject"
        )
    elif result.exit_code == 3:
        console.print(f"resume later with: tta-codegen resume {result.thread_id}")
