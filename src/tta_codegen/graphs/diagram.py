"""The graph's Mermaid diagram, as committed in docs/graph.md.

``python -m tta_codegen.graphs.diagram > docs/graph.md`` regenerates it; a test
fails when the committed file is stale.
"""

from __future__ import annotations

from tta_codegen.graphs.build import build_graph
from tta_codegen.settings import Settings

__all__ = ["diagram_markdown"]

_INTRO = """# The code-generation graph

Generated from the code by `python -m tta_codegen.graphs.diagram > docs/graph.md`;
a test keeps it current. Dotted edges are conditional (routing functions in
`tta_codegen/graphs/routing.py`).

```mermaid
"""


def diagram_markdown() -> str:
    """docs/graph.md's content."""
    graph = build_graph(Settings())
    mermaid = graph.get_graph().draw_mermaid()
    return f"{_INTRO}{mermaid.rstrip()}\n```\n"


if __name__ == "__main__":
    print(diagram_markdown(), end="")
