"""Per-provider request limits shared by every run in one process (a batch).

A sliding one-minute window caps requests per minute; a semaphore caps requests
in flight. Requests over a limit wait their turn instead of failing.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from tta_codegen.settings import ProviderSettings, Settings

__all__ = ["ProviderLimits", "RequestWindow"]

WINDOW_S = 60.0


class RequestWindow:
    """At most ``per_minute`` request starts in any 60 s window."""

    def __init__(
        self,
        per_minute: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._sleep = sleep
        self._starts: deque[float] = deque()
        self._lock = asyncio.Lock()

    async def wait_turn(self) -> float:
        """Wait until a request may start; return the seconds waited."""
        waited = 0.0
        async with self._lock:
            while True:
                now = self._clock()
                while self._starts and now - self._starts[0] >= WINDOW_S:
                    self._starts.popleft()
                if len(self._starts) < self.per_minute:
                    self._starts.append(now)
                    return waited
                pause = WINDOW_S - (now - self._starts[0])
                waited += pause
                await self._sleep(pause)


class ProviderLimits:
    """The limits of every configured provider, built once per gateway."""

    def __init__(
        self,
        providers: dict[str, ProviderSettings],
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._windows = {
            name: RequestWindow(p.max_requests_per_minute, clock=clock, sleep=sleep)
            for name, p in providers.items()
            if p.max_requests_per_minute
        }
        self._in_flight = {
            name: asyncio.Semaphore(p.max_concurrent_requests)
            for name, p in providers.items()
            if p.max_concurrent_requests
        }

    @classmethod
    def from_settings(
        cls, settings: Settings, sleep: Callable[[float], Awaitable[None]]
    ) -> ProviderLimits:
        """Limits from the ``[providers.*]`` tables."""
        return cls(settings.providers, sleep=sleep)

    @asynccontextmanager
    async def slot(self, provider: str) -> AsyncIterator[float]:
        """Hold a request slot for ``provider``; yields the seconds waited."""
        semaphore = self._in_flight.get(provider)
        started = time.monotonic()
        if semaphore is not None:
            await semaphore.acquire()
        try:
            window = self._windows.get(provider)
            if window is not None:
                await window.wait_turn()
            yield time.monotonic() - started
        finally:
            if semaphore is not None:
                semaphore.release()
