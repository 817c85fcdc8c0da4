import importlib

import pytest

import tta_codegen

pytestmark = pytest.mark.unit

PACKAGES = [
    "tta_codegen",
    "tta_codegen.api",
    "tta_codegen.changes",
    "tta_codegen.checkpoints",
    "tta_codegen.context",
    "tta_codegen.formats",
    "tta_codegen.gates",
    "tta_codegen.models",
    "tta_codegen.openhands",
    "tta_codegen.prompts",
    "tta_codegen.report",
    "tta_codegen.telemetry",
    "tta_codegen.testing",
    "tta_codegen.events",
    "tta_codegen.state",
]


@pytest.mark.parametrize("name", PACKAGES)
def test_every_public_name_is_importable(name: str) -> None:
    module = importlib.import_module(name)
    for public in module.__all__:
        assert getattr(module, public) is not None, f"{name}.{public}"


def test_the_top_level_front_door() -> None:
    assert set(tta_codegen.__all__) == {
        "Codegen",
        "CodegenRequest",
        "RunResult",
        "Settings",
        "build_graph",
    }
    graph = tta_codegen.build_graph(tta_codegen.Settings())
    assert set(graph.get_graph().nodes) >= {
        "select_model",
        "generate",
        "validate",
        "refine",
        "generate_tests",
        "openhands",
    }
