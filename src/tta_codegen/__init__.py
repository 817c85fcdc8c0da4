"""tta-codegen: turn a task description into validated, tested Python.

Public names are imported lazily so that ``tta-codegen --help`` stays fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tta_codegen.engine import Codegen
    from tta_codegen.graphs import build_graph
    from tta_codegen.result import RunResult
    from tta_codegen.settings import Settings
    from tta_codegen.state import CodegenRequest

__all__ = ["Codegen", "CodegenRequest", "RunResult", "Settings", "build_graph"]

_WHERE = {
    "Codegen": "tta_codegen.engine",
    "CodegenRequest": "tta_codegen.state",
    "RunResult": "tta_codegen.result",
    "Settings": "tta_codegen.settings",
    "build_graph": "tta_codegen.graphs",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'tta_codegen' has no attribute {name!r}")
