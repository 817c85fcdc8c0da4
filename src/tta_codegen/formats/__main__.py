"""``python -m tta_codegen.formats sarif|junit RESULT.json``: convert a saved
``generate --json`` or ``batch --json`` output into SARIF or JUnit XML.

A batch's findings of tasks that wrote no file are shown at the task's entry
in ``--anchor TASKS.yaml`` (GitHub code scanning refuses results without a
location).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from tta_codegen.errors import InputError
from tta_codegen.files import atomic_write
from tta_codegen.formats.render import render_batch, render_subjects
from tta_codegen.formats.subjects import run_subject
from tta_codegen.result import RunResult

__all__ = ["convert", "main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tta_codegen.formats",
        description="Convert generate --json or batch --json output.",
    )
    parser.add_argument("format", choices=("sarif", "junit"))
    parser.add_argument("result", type=Path, help="the saved JSON ('-': stdin)")
    parser.add_argument(
        "--anchor",
        type=Path,
        help="file to show findings at whose own file was not written "
        "(a batch's TASKS.yaml: at each task's entry)",
    )
    parser.add_argument("--root", type=Path, help="repository root for SARIF URIs")
    parser.add_argument("-o", "--output", type=Path, help="write here, not stdout")
    return parser


def convert(
    output_format: Literal["sarif", "junit"],
    text: str,
    *,
    anchor: Path | None = None,
    root: Path | None = None,
) -> str:
    """SARIF or JUnit text for one saved run result or batch summary."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise InputError(f"the result is not JSON: {exc}") from None
    try:
        if isinstance(data, dict) and isinstance(data.get("tasks"), list):
            rows = [
                (str(task["task"]), RunResult.model_validate(task["result"]))
                for task in data["tasks"]
                if task["result"] is not None  # a task the budget skipped
            ]
            name = str(data.get("batch", "batch"))
            return render_batch(output_format, name, rows, tasks_file=anchor, root=root)
        result = RunResult.model_validate(data)
    except (ValidationError, KeyError, TypeError) as exc:
        detail = f"no key {exc}" if isinstance(exc, KeyError) else str(exc)
        raise InputError(
            "the result is neither generate --json nor batch --json output: "
            + (detail.splitlines() or [type(exc).__name__])[0]
        ) from None
    subject = run_subject(result, anchor=str(anchor) if anchor else None)
    suite = f"tta-codegen generate {result.thread_id}"
    return render_subjects(output_format, [subject], suite=suite, root=root)


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code (2 for unusable input)."""
    args = _parser().parse_args(argv)
    try:
        if str(args.result) == "-":
            text = sys.stdin.read()
        else:
            text = args.result.read_text(encoding="utf-8")
        out = convert(args.format, text, anchor=args.anchor, root=args.root)
    except OSError as exc:
        print(f"error: cannot read {args.result}: {exc.strerror}", file=sys.stderr)
        return 2
    except InputError as exc:
        print(f"error[{exc.code}]: {exc.message}", file=sys.stderr)
        return 2
    if args.output is None:
        sys.stdout.write(out)
    else:
        atomic_write(args.output, out)
    if args.format == "sarif" and (unplaced := _unplaced(out)):
        print(
            f"warning: {unplaced} result(s) name no file (their files were not "
            "written); GitHub code scanning refuses such a file: pass --anchor",
            file=sys.stderr,
        )
    return 0


def _unplaced(sarif_text: str) -> int:
    """Results without a location in a SARIF log."""
    runs = json.loads(sarif_text)["runs"]
    return sum(1 for r in runs[0]["results"] if not r.get("locations"))


if __name__ == "__main__":
    sys.exit(main())
