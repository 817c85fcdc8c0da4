"""The shape of a prompt template file and of a rendered prompt."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["CATEGORIES", "PromptTemplate", "RenderedPrompt", "VariableSpec", "VarType"]

VarType = Literal["str", "int", "bool", "list"]
CATEGORIES = ("agent_orchestration", "data_layer", "api", "testing", "graph")
_PY_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "bool": (bool,),
    "list": (list, tuple),
}
_EMPTY: dict[str, object] = {"str": "", "int": 0, "bool": False, "list": []}


def type_ok(kind: str, value: object) -> bool:
    """True when ``value`` is of the declared variable type (bool is not int)."""
    if kind == "int" and isinstance(value, bool):
        return False
    return isinstance(value, _PY_TYPES[kind])


class VariableSpec(BaseModel):
    """One variable a template takes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: VarType = "str"
    default: object = None
    """Used when the caller gives no value; None means the type's empty value
    (for optional variables)."""
    description: str = ""
    required: bool = False
    """The caller must give a value (no default applies)."""

    @model_validator(mode="after")
    def _default_matches_type(self) -> VariableSpec:
        if self.default is not None and not type_ok(self.type, self.default):
            raise ValueError(f"default {self.default!r} is not of type {self.type}")
        if self.required and self.default is not None:
            raise ValueError("a required variable cannot have a default")
        return self

    def effective_default(self) -> object:
        """The value used when the caller gives none."""
        return self.default if self.default is not None else _EMPTY[self.type]

    def describe(self, name: str) -> str:
        """``name (type, required)`` or ``name (type, default 5)``."""
        if self.required:
            return f"{name} ({self.type}, required)"
        return f"{name} ({self.type}, default {self.effective_default()!r})"


class PromptTemplate(BaseModel):
    """A template file: front matter plus system prompt and Jinja2 body."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*(/[a-z][a-z0-9_]*)?$")
    """Unique name; graph prompts are ``graph/<node>``."""
    version: int = Field(ge=1)
    category: Literal["agent_orchestration", "data_layer", "api", "testing", "graph"]
    description: str = Field(min_length=1)
    task_type: Literal["code_generation", "test_generation", "refinement"] = (
        "code_generation"
    )
    """Steers model selection."""
    context_types: tuple[str, ...] = ()
    """Codebase context it wants (agent_orchestration, data_layer, api, testing)."""
    variables: dict[str, VariableSpec] = Field(default_factory=dict)
    system: str = ""
    """System prompt (Jinja2)."""
    body: str = Field(min_length=1)
    """User prompt (Jinja2, strict undefined)."""
    source: str = ""
    """File it was loaded from (filled by the loader)."""

    @property
    def id(self) -> str:
        """``name@version``, recorded on every LLM call."""
        return f"{self.name}@{self.version}"

    def needs(self) -> str:
        """The variables it takes, for error messages."""
        if not self.variables:
            return "no variables"
        return ", ".join(spec.describe(n) for n, spec in sorted(self.variables.items()))


@dataclass(frozen=True, slots=True)
class RenderedPrompt:
    """A template rendered with its variables."""

    system: str
    user: str
    template_id: str
    """``name@version`` of the template."""
