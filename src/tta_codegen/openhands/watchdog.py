"""The watchdog that bounds an OpenHands conversation.

OpenHands' own stuck detector does not catch condensation loops (issue #8630 was
closed without a fix), so every conversation runs under three limits of ours:
wall-clock seconds, agent iterations and condensation events. The watchdog is a
plain counter fed with what the conversation emits; the worker pauses the
conversation when it trips, and the runner kills the worker if pausing does not
end it in time. No SDK import here.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

__all__ = ["Limits", "StopReason", "Watchdog"]

StopReason = Literal["wall_clock", "iterations", "condensations"]


@dataclass(frozen=True)
class Limits:
    """The three limits of one conversation."""

    max_seconds: float
    """Wall-clock limit, from the start of the conversation."""
    max_iterations: int
    """Agent steps (one model answer each) before the conversation is paused."""
    max_condensations: int
    """Condensation events before the conversation is paused."""


@dataclass
class Watchdog:
    """Counts iterations and condensations and says when a limit trips.

    Thread-safe: the conversation's callback and a timer thread may both feed it.
    The first limit that trips wins and stays recorded in ``tripped``.
    """

    limits: Limits
    """What to enforce."""
    clock: Callable[[], float] = time.monotonic
    """Monotonic clock, replaceable in tests."""
    iterations: int = 0
    """Agent steps seen so far."""
    condensations: int = 0
    """Condensation events seen so far."""
    tripped: StopReason | None = None
    """The first limit that tripped, if any."""
    _started: float = field(default=0.0, init=False)
    _seen_responses: set[str] = field(default_factory=set, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def __post_init__(self) -> None:
        self._started = self.clock()

    @property
    def elapsed_s(self) -> float:
        """Seconds since the watchdog was created."""
        return self.clock() - self._started

    @property
    def remaining_s(self) -> float:
        """Seconds left before the wall-clock limit (never negative)."""
        return max(0.0, self.limits.max_seconds - self.elapsed_s)

    def _trip(self, reason: StopReason) -> StopReason:
        if self.tripped is None:
            self.tripped = reason
        return self.tripped

    def on_agent_step(self, response_id: str | None = None) -> StopReason | None:
        """Record one model answer; answers with the same id count once.

        Several tool calls from one answer arrive as separate events sharing a
        response id, and they are one iteration.
        """
        with self._lock:
            if response_id is not None:
                if response_id in self._seen_responses:
                    return self.tripped
                self._seen_responses.add(response_id)
            self.iterations += 1
            if self.iterations >= self.limits.max_iterations:
                return self._trip("iterations")
            return self._check_time_locked()

    def on_condensation(self) -> StopReason | None:
        """Record one condensation event."""
        with self._lock:
            self.condensations += 1
            if self.condensations >= self.limits.max_condensations:
                return self._trip("condensations")
            return self._check_time_locked()

    def check_time(self) -> StopReason | None:
        """Trip on the wall-clock limit when it has passed."""
        with self._lock:
            return self._check_time_locked()

    def expire(self) -> StopReason:
        """The wall-clock timer fired: trip on it unless something tripped first."""
        with self._lock:
            return self._trip("wall_clock")

    def _check_time_locked(self) -> StopReason | None:
        if self.elapsed_s >= self.limits.max_seconds:
            return self._trip("wall_clock")
        return self.tripped
