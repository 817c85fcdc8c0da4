"""Progress notifications: one per node started or finished.

The SDK sends them only when the client asked for progress (a progress token
on the request); otherwise ``report_progress`` does nothing.
"""

from __future__ import annotations

from typing import Protocol

from tta_codegen.events import Event, NodeFinished, NodeStarted
from tta_codegen.telemetry.redact import redact

__all__ = ["NodeProgress", "ProgressSink", "progress_message"]


class ProgressSink(Protocol):
    """Where progress goes: the tool call's MCP ``Context``."""

    async def report_progress(
        self, progress: float, total: float | None = None, message: str | None = None
    ) -> None:
        """Send one progress notification."""


def progress_message(event: Event) -> str | None:
    """The line a client shows for ``event``; None for events not reported."""
    if isinstance(event, NodeStarted):
        return f"{event.node} started (round {event.iteration})"
    if isinstance(event, NodeFinished):
        return f"{event.node} finished in {event.seconds:.1f} s"
    return None


class NodeProgress:
    """Turns a run's events into numbered progress notifications (1, 2, 3...;
    the total is unknown because refinement rounds vary)."""

    def __init__(self, sink: ProgressSink) -> None:
        self._sink = sink
        self.sent = 0
        """Notifications sent so far."""

    async def __call__(self, event: Event) -> None:
        message = progress_message(event)
        if message is None:
            return
        self.sent += 1
        await self._sink.report_progress(self.sent, None, redact(message))
