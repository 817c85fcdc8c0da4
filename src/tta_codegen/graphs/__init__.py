"""Graph assembly (``build_graph``) and the pure routing functions."""

from tta_codegen.graphs.build import CodegenGraph, build_graph

__all__ = ["CodegenGraph", "build_graph"]
