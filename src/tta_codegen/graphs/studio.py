"""The graph as ``langgraph dev`` and LangGraph Studio load it (langgraph.json).

The server brings its own persistence, so no checkpointer is attached; nodes
get their dependencies from ``runtime.context_for_server``.
"""

from tta_codegen.graphs.build import build_graph
from tta_codegen.settings import Settings

graph = build_graph(Settings.load())
