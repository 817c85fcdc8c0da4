# POSTPONED: See ADR-001
"""The postponed OpenHands path (ADR-001-OPENHANDS-INTEGRATION-POSTPONEMENT.md).

Complex multi-step tasks can be handed to an OpenHands Software Agent SDK
conversation, watched by our own limits, once ``[openhands] enabled = true`` and
the ``tta-codegen[openhands]`` extra is installed. Importing this package never
imports the SDK: only the worker process (``_worker``) does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tta_codegen._lazy import lazy_exports

if TYPE_CHECKING:
    from tta_codegen.openhands.availability import installed_sdk_version, require_sdk
    from tta_codegen.openhands.complexity import (
        Complexity,
        Route,
        choose_route,
        classify_task,
        should_escalate,
    )
    from tta_codegen.openhands.job import OpenHandsJob, OpenHandsResult
    from tta_codegen.openhands.runner import run_openhands
    from tta_codegen.openhands.watchdog import Limits, StopReason, Watchdog

__all__ = [
    "Complexity",
    "Limits",
    "OpenHandsJob",
    "OpenHandsResult",
    "Route",
    "StopReason",
    "Watchdog",
    "choose_route",
    "classify_task",
    "installed_sdk_version",
    "require_sdk",
    "run_openhands",
    "should_escalate",
]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "Complexity": "tta_codegen.openhands.complexity",
        "Limits": "tta_codegen.openhands.watchdog",
        "OpenHandsJob": "tta_codegen.openhands.job",
        "OpenHandsResult": "tta_codegen.openhands.job",
        "Route": "tta_codegen.openhands.complexity",
        "StopReason": "tta_codegen.openhands.watchdog",
        "Watchdog": "tta_codegen.openhands.watchdog",
        "choose_route": "tta_codegen.openhands.complexity",
        "classify_task": "tta_codegen.openhands.complexity",
        "installed_sdk_version": "tta_codegen.openhands.availability",
        "require_sdk": "tta_codegen.openhands.availability",
        "run_openhands": "tta_codegen.openhands.runner",
        "should_escalate": "tta_codegen.openhands.complexity",
    },
)
