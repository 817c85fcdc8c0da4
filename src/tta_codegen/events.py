"""Typed progress events yielded by ``api.stream`` (and drawn by the CLI)."""

from __future__ import annotations

from dataclasses import dataclass

from tta_codegen.findings import Finding
from tta_codegen.result import RunResult
from tta_codegen.state import Usage

__all__ = [
    "Event",
    "FindingFound",
    "ModelsRanked",
    "NodeFinished",
    "NodeStarted",
    "RouteChosen",
    "RunFinished",
    "TokenStreamed",
    "UsageUpdated",
]


@dataclass(frozen=True)
class NodeStarted:
    """A node began (``iteration`` is the refinement round)."""

    node: str
    iteration: int


@dataclass(frozen=True)
class NodeFinished:
    """A node finished and its update was checkpointed."""

    node: str
    seconds: float


@dataclass(frozen=True)
class TokenStreamed:
    """A piece of a model's answer as it arrives."""

    node: str
    text: str


@dataclass(frozen=True)
class FindingFound:
    """A gate finding on the current draft."""

    finding: Finding


@dataclass(frozen=True)
class UsageUpdated:
    """Run totals after an LLM call."""

    usage: Usage
    model: str


@dataclass(frozen=True)
class ModelsRanked:
    """Candidate models, best first."""

    models: tuple[str, ...]


@dataclass(frozen=True)
class RouteChosen:
    """The route (direct or openhands) and why."""

    route: str
    reason: str


@dataclass(frozen=True)
class RunFinished:
    """The run ended (or stopped for review); always the last event.
    ``ended_before``: the run had already ended before this call, which ran
    nothing (``result`` is the stored one)."""

    result: RunResult
    ended_before: bool = False


Event = (
    NodeStarted
    | NodeFinished
    | TokenStreamed
    | FindingFound
    | UsageUpdated
    | ModelsRanked
    | RouteChosen
    | RunFinished
)
