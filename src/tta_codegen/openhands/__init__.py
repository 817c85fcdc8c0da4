# POSTPONED: See ADR-001
"""The postponed OpenHands path (ADR-001-OPENHANDS-INTEGRATION-POSTPONEMENT.md).

Complex multi-step tasks can be handed to an OpenHands Software Agent SDK
conversation, watched by our own limits, once ``[openhands] enabled = true`` and
the ``tta-codegen[openhands]`` extra is installed. Importing this package never
imports the SDK: only the worker process (``_worker``) does.
"""

from tta_codegen.openhands.availability import (
    installed_sdk_version,
    require_sdk,
)
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
