"""Turn command-line input into a request, with one clear error per mistake."""

from __future__ import annotations

import ast
import keyword
import os
from pathlib import Path

from tta_codegen.errors import ExistingFileError, InputError
from tta_codegen.files import refuses_new_files
from tta_codegen.models import Catalog
from tta_codegen.naming import tests_file_name
from tta_codegen.prompts import PromptLibrary, parse_var_assignments
from tta_codegen.settings import Settings
from tta_codegen.state import CodegenRequest, ReviewDecision
from tta_codegen.task_size import bounded_task
from tta_codegen.utf8 import decode_utf8

__all__ = [
    "build_edit_request",
    "build_request",
    "refuse_existing",
    "require_context",
    "require_python",
    "repository_root",
    "review_decision",
]


def _writable_target(path: Path, option: str) -> Path:
    """``path`` made absolute, after checking its folder takes a new file."""
    path = Path(os.path.abspath(path))
    folder = path.parent
    if not folder.is_dir():
        raise InputError(
            f"{option} {path}: folder {folder} does not exist", hint="create it first"
        )
    if path.is_dir():
        raise InputError(f"{option} {path} is a folder; give a file path")
    reason = refuses_new_files(folder)
    if reason is not None:
        raise InputError(
            f"{option} {path}: folder {folder} does not accept new files ({reason})"
        )
    return path


def refuse_existing(paths: list[Path]) -> None:
    """ExistingFileError naming the files that exist, before anything runs."""
    existing = tuple(str(p) for p in paths if p.exists())
    if existing:
        raise ExistingFileError(
            f"{', '.join(existing)} already exist{'s' if len(existing) == 1 else ''}"
            ": nothing was started",
            paths=existing,
            hint="pass --force to let the run replace files, --review to approve "
            "what it writes, or write somewhere else",
        )


def _module_name(out: Path) -> str:
    if out.suffix != ".py":
        raise InputError(f"--out {out} must end in .py")
    name = out.stem
    if not name.isidentifier() or keyword.iskeyword(name):
        raise InputError(
            f"--out {out}: {name!r} is not a valid Python module name"
            + (" (a keyword: `import` cannot name it)" if name.isidentifier() else ""),
            hint="use letters, digits and underscores, and not a Python keyword",
        )
    return name


def _read(path: Path, option: str) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{option} {path} cannot be read: {exc}") from None
    return decode_utf8(data, f"{option} {path}")


def build_request(
    settings: Settings,
    *,
    task: str,
    template: str | None,
    raw_vars: list[str],
    out: Path | None,
    tests_out: Path | None,
    model: str | None,
    max_iterations: int | None,
    review: bool,
    context: list[Path],
    context_type: str | None,
    existing_tests: Path | None,
    out_dir: Path | None = None,
    force: bool = False,
) -> CodegenRequest:
    """Validate everything a user typed before any run starts. Files in the
    way are refused unless ``force`` (or ``review``: the reviewer approves)."""
    variables = parse_var_assignments(raw_vars)
    task = task.strip()
    template_id: str | None = None
    task_type = settings.generation.task_type
    if template is not None:
        library = PromptLibrary.load(settings.templates.dirs)
        chosen = library.get(template)
        rendered = library.render_task(template, variables)
        template_id = rendered.template_id
        task = rendered.user + (f"\n\nAdditional notes:\n{task}" if task else "")
        context_type = context_type or next(iter(chosen.context_types), None)
        task_type = chosen.task_type
    elif variables:
        raise InputError("--var is only meaningful with --template")
    if not task:
        raise InputError(
            "the task is empty: say what to build",
            hint="e.g. tta-codegen generate 'a token-bucket rate limiter' "
            "--out rate_limiter.py",
        )
    bounded_task(task, settings)
    if model is not None:
        Catalog(settings).get(model)  # InputError naming close matches
    module_name = "generated"
    if out_dir is not None:
        if out is not None or tests_out is not None:
            raise InputError("--out-dir writes a package: leave out --out/--tests-out")
        out_dir = out_dir.resolve()
        if out_dir.exists() and not out_dir.is_dir():
            raise InputError(f"--out-dir {out_dir} is a file; give a folder")
        out_dir.mkdir(parents=True, exist_ok=True)
        reason = refuses_new_files(out_dir)
        if reason is not None:
            raise InputError(
                f"--out-dir {out_dir} does not accept new files ({reason})"
            )
        if not (force or review):
            refuse_existing(sorted(p for p in out_dir.rglob("*") if p.is_file())[:3])
    if out is not None:
        out = _writable_target(out, "--out")
        module_name = _module_name(out)
        tests_out = tests_out or out.with_name(tests_file_name(module_name))
    if tests_out is not None:
        tests_out = _writable_target(tests_out, "--tests-out")
        if out is not None and tests_out.resolve() == out.resolve():
            raise InputError(
                f"--out and --tests-out are the same file ({out}): the tests "
                "would replace the module",
                hint="leave out --tests-out (tests go beside the module as "
                f"{tests_file_name(module_name)})",
            )
    if not (force or review):
        refuse_existing([p for p in (out, tests_out) if p is not None])
    require_context(context)
    return CodegenRequest(
        task=task,
        template=template_id,
        template_vars=variables,
        module_name=module_name,
        out_path=str(out) if out else None,
        tests_out_path=str(tests_out) if tests_out else None,
        model=model,
        max_iterations=max_iterations,
        review=review,
        context_paths=tuple(str(p) for p in context),
        context_type=context_type,
        task_type=task_type,
        existing_tests=_read(existing_tests, "--existing-tests")
        if existing_tests
        else None,
        root=str(out_dir) if out_dir is not None else None,
        force=force,
    ).with_absolute_paths()


def review_decision(
    *, approve: bool, reject: bool, code: Path | None, tests: Path | None
) -> ReviewDecision | None:
    """The review answer given on ``resume``, or None for a plain resume."""
    if approve and reject:
        raise InputError("--approve and --reject exclude each other")
    if (code or tests) and not approve:
        raise InputError("--code/--tests supply an edited version: use with --approve")
    if reject:
        return ReviewDecision(approved=False)
    if approve:
        return ReviewDecision(
            approved=True,
            code=_read_python(code, "--code") if code else None,
            code_name=code.name if code else None,
            tests=_read_python(tests, "--tests") if tests else None,
        )
    return None


def _read_python(path: Path, option: str) -> str:
    return require_python(_read(path, option), f"{option} {path}")


def require_python(text: str, what: str) -> str:
    """A reviewer's edited code or tests: written as approved, so it must at
    least be Python that parses (InputError naming the line otherwise)."""
    try:
        ast.parse(text)
    except SyntaxError as exc:
        raise InputError(
            f"{what} is not valid Python (line {exc.lineno}: {exc.msg}); "
            "nothing was written",
            hint="fix it and approve again; the run still awaits review",
        ) from None
    return text


def require_context(paths: list[Path]) -> None:
    """InputError for a ``--context`` path that does not exist, or a file named
    there that is not UTF-8 (files found inside a folder are read leniently)."""
    for path in paths:
        if not path.exists():
            raise InputError(f"--context {path} does not exist")
        if path.is_file():
            _read(path, "--context")


def repository_root(path: Path) -> Path:
    """The folder holding ``.git`` above ``path``, else ``path``'s own folder."""
    start = path if path.is_dir() else path.parent
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


def build_edit_request(
    settings: Settings,
    *,
    task: str,
    files: list[Path],
    root: Path | None,
    model: str | None,
    max_iterations: int | None,
    review: bool,
    context: list[Path],
) -> CodegenRequest:
    """An edit run's request: the files exist, are text and lie in the root."""
    task = task.strip()
    if not task:
        raise InputError(
            "the task is empty: say what to change",
            hint="e.g. tta-codegen edit 'rename price() to unit_price()' shop/*.py",
        )
    bounded_task(task, settings)
    if not files:
        raise InputError("name the files the run may change")
    resolved = [f.resolve() for f in files]
    for given, path in zip(files, resolved, strict=True):
        if not path.is_file():
            raise InputError(f"{given} is not a file")
        _read(path, "file")
    base = (root or repository_root(resolved[0])).resolve()
    if not base.is_dir():
        raise InputError(f"--root {base} is not a folder")
    outside = [str(f) for f in resolved if not f.is_relative_to(base)]
    if outside:
        raise InputError(
            f"outside the repository root {base}: {', '.join(outside)}",
            hint="pass --root with the folder that holds every file",
        )
    if model is not None:
        Catalog(settings).get(model)
    require_context(context)
    return CodegenRequest(
        task=task,
        model=model,
        max_iterations=max_iterations,
        review=review,
        context_paths=tuple(str(p.resolve()) for p in [base, *context]),
        edit_files=tuple(str(f) for f in dict.fromkeys(resolved)),
        root=str(base),
    )
