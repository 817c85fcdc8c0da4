"""Typed run events to and from the JSON stored in a run's event stream.

Besides the engine's events the stream holds the fleet's own: queued,
started (by which worker), requeued, and failed (an error before any result).
"""

from __future__ import annotations

from typing import Any

from tta_codegen.events import (
    Event,
    FindingFound,
    ModelsRanked,
    NodeFinished,
    NodeStarted,
    RouteChosen,
    RunFinished,
    TokenStreamed,
    UsageUpdated,
)
from tta_codegen.findings import Finding
from tta_codegen.result import RunResult
from tta_codegen.state import Usage

__all__ = ["event_from_wire", "event_to_wire", "finished_wire"]


def finished_wire(result: RunResult, *, note: str = "") -> dict[str, Any]:
    """The last event of a run's turn: its result and exit code."""
    return {
        "type": "finished",
        "result": result.model_dump(mode="json"),
        "code": result.code,
        "exit_code": int(result.exit_code),
        "note": note,
    }


def event_to_wire(event: Event) -> dict[str, Any]:
    """One engine event as a JSON-able dict."""
    match event:
        case NodeStarted(node, iteration):
            return {"type": "node_started", "node": node, "iteration": iteration}
        case NodeFinished(node, seconds):
            return {"type": "node_finished", "node": node, "seconds": seconds}
        case TokenStreamed(node, text):
            return {"type": "token", "node": node, "text": text}
        case FindingFound(finding):
            return {"type": "finding", "finding": finding.model_dump(mode="json")}
        case UsageUpdated(usage, model):
            return {
                "type": "usage",
                "usage": usage.model_dump(mode="json"),
                "model": model,
            }
        case ModelsRanked(models):
            return {"type": "ranked", "models": list(models)}
        case RouteChosen(route, reason):
            return {"type": "route", "route": route, "reason": reason}
        case RunFinished(result):
            return finished_wire(result)


def event_from_wire(doc: dict[str, Any]) -> Event | None:
    """The engine event a dict stands for; None for the fleet's own events."""
    kind = doc.get("type")
    if kind == "node_started":
        return NodeStarted(doc["node"], int(doc["iteration"]))
    if kind == "node_finished":
        return NodeFinished(doc["node"], float(doc["seconds"]))
    if kind == "token":
        return TokenStreamed(doc["node"], doc["text"])
    if kind == "finding":
        return FindingFound(Finding.model_validate(doc["finding"]))
    if kind == "usage":
        return UsageUpdated(Usage.model_validate(doc["usage"]), doc["model"])
    if kind == "ranked":
        return ModelsRanked(tuple(doc["models"]))
    if kind == "route":
        return RouteChosen(doc["route"], doc["reason"])
    if kind == "finished":
        result = RunResult.model_validate(doc["result"])
        if doc.get("code") is not None:
            result = result.model_copy(update={"code": doc["code"]})
        return RunFinished(result)
    return None
