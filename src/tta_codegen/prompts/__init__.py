"""The prompt library: versioned templates as data files, rendered with Jinja2.

Built-in templates live in ``builtin/`` (``registry.yaml`` plus
``versions/vN/<name>.yaml``); user folders (``[templates] dirs``) extend or
override them. The graph's own prompts are the ``graph/*`` templates.
"""

from tta_codegen.prompts._model import (
    CATEGORIES,
    PromptTemplate,
    RenderedPrompt,
    VariableSpec,
)
from tta_codegen.prompts.library import (
    BUILTIN_DIR,
    PromptLibrary,
    fenced,
    parse_var_assignments,
)

__all__ = [
    "BUILTIN_DIR",
    "CATEGORIES",
    "PromptLibrary",
    "PromptTemplate",
    "RenderedPrompt",
    "VariableSpec",
    "fenced",
    "parse_var_assignments",
]
