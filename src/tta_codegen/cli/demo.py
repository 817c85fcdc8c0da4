"""``demo``: a whole run on the scripted model, for a first look without a key."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer

from tta_codegen.cli._common import err_console, out_console, run_async

__all__ = ["demo"]

_NEXT = """\
This was a scripted model: no LLM was called and nothing left this machine.
With a real model:
  export OPENROUTER_API_KEY=sk-or-...  # free models work (or OPENAI_API_KEY, Ollama)
  tta-codegen generate "a token-bucket rate limiter" --out rate_limiter.py
Providers (OpenAI, Ollama, vLLM, your gateway): README, "Providers"."""


def demo(
    folder: Annotated[
        Path | None,
        typer.Option(
            "--dir",
            help="Write the files here (default: a new temporary folder).",
            file_okay=False,
        ),
    ] = None,
    no_stream: Annotated[
        bool, typer.Option("--no-stream", help="Do not show streamed tokens.")
    ] = False,
) -> None:
    """Run the whole graph on a scripted model: no key, no network needed."""
    from tta_codegen.cli.live import LiveView  # noqa: PLC0415
    from tta_codegen.cli.summary import print_summary  # noqa: PLC0415
    from tta_codegen.cli.trace import build_tree  # noqa: PLC0415
    from tta_codegen.demo import demo_model, demo_request, demo_settings  # noqa: PLC0415
    from tta_codegen.telemetry.local_store import load_trace  # noqa: PLC0415

    target = (folder or Path(tempfile.mkdtemp(prefix="tta-codegen-demo-"))).resolve()
    target.mkdir(parents=True, exist_ok=True)
    settings, request = demo_settings(target), demo_request(target)
    err = err_console()
    err.print(
        "[bold]tta-codegen demo[/] · [yellow]scripted model[/] (no LLM is called, "
        f"no key needed) · files in {target}",
        highlight=False,
    )
    err.print(f"task: {request.task}", highlight=False, markup=False)
    thread_id = f"demo-{target.name}"[:64]
    view = LiveView(
        thread_id, show_tokens=not no_stream, quiet=False, chat_models=demo_model()
    )
    result = run_async(view.drive(settings, request, None, thread_id))
    print_summary(result)
    out = out_console()
    for path in (result.code_path, result.tests_path):
        if path:
            out.rule(path, style="dim")
            out.print(Path(path).read_text(encoding="utf-8"), markup=False)
    out.rule("trace", style="dim")
    out.print(build_tree(thread_id, load_trace(settings.state_dir, thread_id)))
    err.print(_NEXT, highlight=False, markup=False)
    raise typer.Exit(result.exit_code)
