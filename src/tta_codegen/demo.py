"""The demo: a whole run on a scripted model, for a first look without a key.

``ScriptedDemoModel`` answers like a model would (prose around code, a first
draft with a mistake the gates catch, a fix, then tests); every other part of
the run is real: the graph, checkpoints, gates in the sandbox, traces, files.
"""

from __future__ import annotations

from pathlib import Path

from tta_codegen.models import ChatMessage
from tta_codegen.settings import Settings
from tta_codegen.state import CodegenRequest
from tta_codegen.testing import CallInfo, FunctionChatModel

__all__ = ["DEMO_MODEL", "DEMO_TASK", "demo_model", "demo_request", "demo_settings"]

DEMO_MODEL = "scripted-demo"
"""The catalog id the demo's scripted answers are given under."""
DEMO_TASK = (
    "A token-bucket rate limiter: class TokenBucket(rate, capacity, clock) with "
    "try_acquire(tokens=1) -> bool and an `available` property; the clock is "
    "injectable for tests."
)

_CODE = '''"""A token-bucket rate limiter."""

import time
from collections.abc import Callable


class TokenBucket:
    """Allow ``rate`` tokens per second, bursting up to ``capacity``."""

    def __init__(
        self,
        rate: float,
        capacity: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate <= 0 or capacity <= 0:
            raise ValueError("rate and capacity must be positive")
        self.rate = rate
        self.capacity = capacity
        self._clock = clock
        self._tokens = capacity
        self._updated = clock()

    def _refill(self) -> None:
        now = self._clock()
        elapsed = max(0.0, now - self._updated)
        self._tokens = min(self.capacity, self._tokens + elapsed * self.rate)
        self._updated = now

    def try_acquire(self, tokens: float = 1.0) -> bool:
        """Take ``tokens`` if they are available now; never blocks."""
        if tokens <= 0:
            raise ValueError("tokens must be positive")
        self._refill()
        if self._tokens >= tokens:
            self._tokens -= tokens
            return True
        return False

    @property
    def available(self) -> float:
        """Tokens that could be taken now."""
        self._refill()
        return self._tokens
'''

_DRAFT = _CODE.replace("import time\n", "")  # the mistake: `time` is not imported

_TESTS = """import pytest

from rate_limiter import TokenBucket


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_starts_full_and_refuses_when_empty() -> None:
    bucket = TokenBucket(rate=2, capacity=3, clock=FakeClock())
    assert [bucket.try_acquire() for _ in range(4)] == [True, True, True, False]


def test_the_exact_amount_left_can_be_taken() -> None:
    bucket = TokenBucket(rate=1, capacity=2, clock=FakeClock())
    assert bucket.try_acquire(2)
    assert bucket.available == 0


def test_refills_at_the_rate_up_to_the_capacity() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=2, capacity=3, clock=clock)
    assert bucket.try_acquire(3)
    clock.now += 0.5
    assert bucket.available == pytest.approx(1.0)
    assert bucket.available == pytest.approx(1.0)  # no time counted twice
    clock.now += 10
    assert bucket.available == pytest.approx(3.0)


def test_a_clock_going_backwards_adds_nothing() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=1, capacity=4, clock=clock)
    assert bucket.try_acquire(3)
    clock.now -= 5
    assert bucket.available == pytest.approx(1.0)


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError):
        TokenBucket(rate=0, capacity=1)
    with pytest.raises(ValueError):
        TokenBucket(rate=1, capacity=0)
    with pytest.raises(ValueError):
        TokenBucket(rate=1, capacity=1).try_acquire(0)
"""


def _fenced(prose: str, code: str) -> str:
    return f"{prose}\n\n```python\n{code}```\n"


def _answer(messages: list[ChatMessage], info: CallInfo) -> str:
    system, prompt = messages[0].content, messages[-1].content
    if "pytest tests" in system:
        return _fenced("Here are pytest tests with an injected clock:", _TESTS)
    if "F821" in prompt:
        return _fenced("You are right, `time` was never imported. Fixed:", _CODE)
    return _fenced("Here is the module:", _DRAFT)


def demo_model() -> FunctionChatModel:
    """The scripted model: a first draft with a missing import, its fix, tests."""
    return FunctionChatModel(_answer, chunk_size=12)


def demo_settings(folder: Path) -> Settings:
    """Settings that keep everything in ``folder``: checkpoints, traces, caches."""
    state = folder / ".tta-codegen"
    return Settings(
        state_dir=state,
        checkpoints={"url": f"sqlite:///{state / 'checkpoints.sqlite'}"},
        providers={"local": {"base_url": "http://127.0.0.1:9/v1"}},
        models=[
            {
                "id": DEMO_MODEL,
                "provider": "local",
                "context_window": 32768,
                "input_cost_per_mtok": 0,
                "output_cost_per_mtok": 0,
            }
        ],
    )


def demo_request(folder: Path) -> CodegenRequest:
    """The demo's task, written to ``folder/rate_limiter.py``."""
    return CodegenRequest(
        task=DEMO_TASK,
        module_name="rate_limiter",
        out_path=str(folder / "rate_limiter.py"),
        tests_out_path=str(folder / "test_rate_limiter.py"),
        model=DEMO_MODEL,
    )
