"""The committed diagram in docs/graph.md is the graph's own, so it never goes stale.

Regenerate with: python -m tta_codegen.graphs.diagram > docs/graph.md
"""

from pathlib import Path

import pytest

from tta_codegen.graphs.diagram import diagram_markdown

pytestmark = pytest.mark.unit

DOC = Path(__file__).resolve().parents[2] / "docs" / "graph.md"


def test_committed_diagram_matches_the_graph() -> None:
    assert DOC.read_text() == diagram_markdown()


def test_diagram_shows_every_node_and_the_refine_loop() -> None:
    text = diagram_markdown()
    for node in (
        "select_model",
        "build_context",
        "route",
        "generate",
        "openhands",
        "validate",
        "refine",
        "generate_tests",
        "review",
        "write_output",
    ):
        assert node in text
    assert "refine --> validate" in text
