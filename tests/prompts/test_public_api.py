"""Every public name is exported and importable."""

from __future__ import annotations

import importlib

import pytest

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("module", ["tta_codegen.context", "tta_codegen.prompts"])
def test_all_names_are_importable(module: str) -> None:
    mod = importlib.import_module(module)
    missing = [name for name in mod.__all__ if not hasattr(mod, name)]
    assert missing == []
    assert {"build_context", "render_context"} <= set(
        importlib.import_module("tta_codegen.context").__all__
    )
    assert {"PromptLibrary", "RenderedPrompt", "PromptTemplate"} <= set(
        importlib.import_module("tta_codegen.prompts").__all__
    )
