"""The watchdog's limits, with a clock the test controls."""

from __future__ import annotations

import pytest

from tta_codegen.openhands.watchdog import Limits, Watchdog

pytestmark = pytest.mark.unit


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _dog(clock: Clock, **limits: float) -> Watchdog:
    values = {"max_seconds": 60.0, "max_iterations": 5, "max_condensations": 2}
    values.update(limits)
    return Watchdog(Limits(**values), clock=clock)  # type: ignore[arg-type]


def test_trips_on_the_condensation_cap() -> None:
    dog = _dog(Clock(), max_condensations=3)
    assert dog.on_condensation() is None
    assert dog.on_condensation() is None
    assert dog.on_condensation() == "condensations"
    assert dog.condensations == 3 and dog.tripped == "condensations"


def test_tool_calls_of_one_answer_count_as_one_iteration() -> None:
    dog = _dog(Clock(), max_iterations=2)
    assert dog.on_agent_step("resp-1") is None
    assert dog.on_agent_step("resp-1") is None  # a second tool call, same answer
    assert dog.iterations == 1
    assert dog.on_agent_step("resp-2") == "iterations"


def test_trips_on_wall_clock_and_the_first_reason_sticks() -> None:
    clock = Clock()
    dog = _dog(clock, max_seconds=10.0)
    clock.now += 9.0
    assert dog.check_time() is None
    assert dog.remaining_s == pytest.approx(1.0)
    clock.now += 1.5
    assert dog.check_time() == "wall_clock"
    assert dog.remaining_s == 0.0
    assert dog.on_condensation() == "wall_clock"
    assert dog.on_condensation() == "wall_clock"  # past the cap, still wall_clock


def test_expire_keeps_an_earlier_reason() -> None:
    dog = _dog(Clock(), max_condensations=1)
    dog.on_condensation()
    assert dog.expire() == "condensations"
    fresh = _dog(Clock())
    assert fresh.expire() == "wall_clock"
