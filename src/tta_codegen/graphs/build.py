"""Assemble the code-generation graph. Only wiring lives here."""

from __future__ import annotations

from functools import partial
from typing import cast

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from tta_codegen.graphs.instrument import instrumented
from tta_codegen.graphs.routing import after_route, after_validate
from tta_codegen.nodes.build_context import build_context
from tta_codegen.nodes.edit import edit
from tta_codegen.nodes.generate import generate
from tta_codegen.nodes.generate_tests import generate_tests
from tta_codegen.nodes.openhands import openhands
from tta_codegen.nodes.refine import refine
from tta_codegen.nodes.review import review
from tta_codegen.nodes.route import route
from tta_codegen.nodes.select_model import select_model
from tta_codegen.nodes.validate import validate
from tta_codegen.nodes.write_output import write_output
from tta_codegen.runtime import RunContext
from tta_codegen.settings import Settings
from tta_codegen.state import CodegenInput, CodegenState

__all__ = ["CodegenGraph", "build_graph"]

CodegenGraph = CompiledStateGraph[CodegenState, RunContext, CodegenState, CodegenState]

_NODES = {
    "select_model": select_model,
    "build_context": build_context,
    "route": route,
    "generate": generate,
    "edit": edit,
    "openhands": openhands,
    "validate": validate,
    "refine": refine,
    "generate_tests": generate_tests,
    "review": review,
    "write_output": write_output,
}


def build_graph(
    settings: Settings | None = None,
    *,
    checkpointer: BaseCheckpointSaver[str] | None = None,
) -> CodegenGraph:
    """The compiled graph. Run it with ``context=RunContext(...)``; see ``api``."""
    settings = settings or Settings.load()
    graph = StateGraph(
        CodegenState, context_schema=RunContext, input_schema=CodegenInput
    )
    for name, node in _NODES.items():
        graph.add_node(name, instrumented(name, node))
    graph.add_edge(START, "select_model")
    graph.add_edge("select_model", "build_context")
    graph.add_edge("build_context", "route")
    graph.add_conditional_edges("route", after_route, ["generate", "edit", "openhands"])
    graph.add_edge("generate", "validate")
    graph.add_edge("edit", "validate")
    graph.add_edge("openhands", "validate")
    graph.add_conditional_edges(
        "validate",
        partial(
            after_validate,
            max_iterations=settings.generation.max_iterations,
            openhands_enabled=settings.openhands.enabled,
        ),
        ["refine", "generate_tests", "review", "write_output", "openhands"],
    )
    graph.add_edge("refine", "validate")
    graph.add_edge("generate_tests", "validate")
    graph.add_edge("review", "write_output")
    graph.add_edge("write_output", END)
    compiled = graph.compile(checkpointer=checkpointer, name="tta-codegen")
    # callers pass the state dict (``CodegenRequest.to_state()``), which the
    # input schema validates like JSON from a server
    return cast(CodegenGraph, compiled)
