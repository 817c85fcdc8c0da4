"""The live progress view on stderr while a run streams.

On a terminal: a small panel redrawn in place (node, model, iteration, tokens,
findings, cost, elapsed) above the tail of the streamed draft. Elsewhere (CI
logs): plain lines. ``quiet`` shows nothing.
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING

from tta_codegen.cli._common import err_console

if TYPE_CHECKING:
    from opentelemetry.trace import Tracer
    from rich.console import RenderableType
    from rich.live import Live

    from tta_codegen.events import Event
    from tta_codegen.models import ChatModels
    from tta_codegen.result import RunResult
    from tta_codegen.settings import Settings
    from tta_codegen.state import CodegenRequest, ReviewDecision

__all__ = ["LiveView"]

_TAIL_LINES = 12
_TAIL_CHARS = 4096
"""Characters of the streamed draft kept for the view: enough for its last lines,
and a constant cost per token however long the answer grows."""


class LiveView:
    """Consumes a run's events and draws them."""

    def __init__(
        self,
        thread_id: str,
        *,
        show_tokens: bool,
        quiet: bool,
        chat_models: ChatModels | None = None,
    ) -> None:
        self.thread_id = thread_id
        self.show_tokens = show_tokens
        self.quiet = quiet
        self.console = err_console()
        self.interactive = self.console.is_terminal and not quiet
        self.node = "-"
        self.iteration = 0
        self.model = "-"
        self.draft = ""
        self.findings = 0
        self.cost = 0.0
        self.cost_unknown = False
        self.tokens = 0
        self.started = time.monotonic()
        self.chat_models = chat_models
        """Answers the calls instead of the configured providers (the demo)."""
        self.ended_before = False
        """The run had already ended before this call: nothing was run."""
        self._live: Live | None = None

    async def drive(
        self,
        settings: Settings,
        request: CodegenRequest | None,
        decision: ReviewDecision | None,
        thread_id: str,
    ) -> RunResult:
        """Run (or resume) the thread, drawing every event; return the result."""

        from tta_codegen.telemetry import setup_tracing  # noqa: PLC0415

        if not self.quiet:
            self.console.print(f"thread {thread_id}", style="dim")
        result: RunResult | None = None
        with setup_tracing(settings) as tracing:
            result = await self._drive(
                settings, request, decision, thread_id, tracing.tracer()
            )
        return result

    async def _drive(
        self,
        settings: Settings,
        request: CodegenRequest | None,
        decision: ReviewDecision | None,
        thread_id: str,
        tracer: Tracer,
    ) -> RunResult:
        from tta_codegen.engine import Codegen  # noqa: PLC0415
        from tta_codegen.events import RunFinished  # noqa: PLC0415

        result: RunResult | None = None
        async with Codegen.open(
            settings, tracer=tracer, chat_models=self.chat_models
        ) as session:
            self._start()
            try:
                async for event in session.events(
                    request, thread_id=thread_id, decision=decision
                ):
                    if isinstance(event, RunFinished):
                        result = event.result
                        self.ended_before = event.ended_before
                    else:
                        self.on_event(event)
            finally:
                self.close()
        assert result is not None
        return result

    def _start(self) -> None:
        if self.interactive:
            from rich.live import Live  # noqa: PLC0415

            self._live = Live(
                console=self.console,
                get_renderable=self._render,  # drawn at the refresh rate only
                refresh_per_second=8,
                transient=True,
            )
            self._live.start()

    def close(self) -> None:
        """Stop redrawing (idempotent)."""
        if self._live is not None:
            self._live.stop()
            self._live = None

    def on_event(self, event: Event) -> None:
        """Update the view for one event."""
        from tta_codegen import events as ev  # noqa: PLC0415

        line: str | None = None
        match event:
            case ev.NodeStarted(node=node, iteration=iteration):
                self.node, self.iteration = node, iteration
                if node in ("generate", "refine", "generate_tests"):
                    self.draft = ""
                line = f"[{node}] started (round {iteration})"
            case ev.TokenStreamed(text=text):
                self.draft = (self.draft + text)[-_TAIL_CHARS:]
                if self.show_tokens and not self.interactive and not self.quiet:
                    sys.stderr.write(text)
                    sys.stderr.flush()
            case ev.FindingFound(finding=f):
                self.findings += 1
                line = (
                    f"  {f.severity} {f.gate} {f.code} {f.path}:{f.line or '-'} "
                    f"{f.message}"
                )
            case ev.UsageUpdated(usage=usage, model=model):
                self.cost = float(usage.cost_usd)
                self.cost_unknown = usage.cost_unknown_calls > 0
                self.tokens = usage.input_tokens + usage.output_tokens
                self.model = model or self.model
                line = f"  tokens {self.tokens} · {self._cost()} · model {self.model}"
            case ev.ModelsRanked(models=models):
                line = "[select_model] candidates: " + ", ".join(models)
            case ev.RouteChosen(route=route, reason=reason):
                line = f"[route] {route}: {reason}"
            case ev.NodeFinished(node=node, seconds=seconds):
                line = f"[{node}] done in {seconds:.2f}s"
        if self.quiet or self._live is not None:
            return
        if line is not None:
            if self.draft and isinstance(event, ev.NodeFinished) and self.show_tokens:
                sys.stderr.write("\n")
            self.console.print(line, markup=False)

    def _cost(self) -> str:
        """The run's cost so far; "cost unknown" rather than $0 when a call's
        price is not known (a model without prices, no usage reported)."""
        if self.cost_unknown:
            return f"${self.cost:.6f} + unknown" if self.cost else "cost unknown"
        return f"${self.cost:.6f}"

    def _render(self) -> RenderableType:
        from rich.console import Group  # noqa: PLC0415
        from rich.panel import Panel  # noqa: PLC0415
        from rich.text import Text  # noqa: PLC0415

        elapsed = time.monotonic() - self.started
        status = Text.assemble(
            ("node ", "dim"),
            (self.node, "bold cyan"),
            ("  round ", "dim"),
            str(self.iteration),
            ("  model ", "dim"),
            self.model,
            ("  findings ", "dim"),
            str(self.findings),
            ("  tokens ", "dim"),
            str(self.tokens),
            ("  cost ", "dim"),
            self._cost(),
            ("  elapsed ", "dim"),
            f"{elapsed:.1f}s",
        )
        if not self.show_tokens or not self.draft:
            return status
        tail = "\n".join(self.draft.splitlines()[-_TAIL_LINES:])
        return Group(status, Panel(Text(tail), title="draft", border_style="dim"))
