"""User template folders: extend, override, version, and get validated."""

from __future__ import annotations

from pathlib import Path

import pytest

from tta_codegen.errors import TemplateError
from tta_codegen.prompts import PromptLibrary

pytestmark = pytest.mark.unit


def _template(name: str, version: int, body: str, variables: str = "{}") -> str:
    return (
        f"name: {name}\nversion: {version}\ncategory: agent_orchestration\n"
        f"description: test template\ncontext_types: [agent_orchestration]\n"
        f"variables: {variables}\nsystem: be brief\nbody: |\n  {body}\n"
    )


def _write(folder: Path, rel: str, text: str) -> None:
    path = folder / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_a_user_folder_adds_templates(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "versions/v1/saga.yaml",
        _template(
            "saga", 1, "Saga for {{ steps }} steps", "{steps: {type: int, default: 3}}"
        ),
    )
    library = PromptLibrary.load([tmp_path])
    assert "saga" in library.names()
    assert library.render("saga", {}).user == "Saga for 3 steps"
    assert "circuit_breaker" in library.names()


def test_a_user_folder_overrides_a_builtin_version(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "versions/v1/circuit_breaker.yaml",
        _template("circuit_breaker", 1, "Ours"),
    )
    library = PromptLibrary.load([tmp_path])
    assert library.render("circuit_breaker", {}).user == "Ours"
    assert library.get("circuit_breaker").source.startswith(str(tmp_path))


def test_a_newer_version_becomes_latest_and_older_ones_stay_addressable(
    tmp_path: Path,
) -> None:
    _write(
        tmp_path,
        "versions/v2/circuit_breaker.yaml",
        _template("circuit_breaker", 2, "V2"),
    )
    library = PromptLibrary.load([tmp_path])
    assert library.versions("circuit_breaker") == [1, 2]
    assert library.get("circuit_breaker").version == 2
    assert library.render("circuit_breaker", {}).template_id == "circuit_breaker@2"
    old = library.render("circuit_breaker@1", {})
    assert old.template_id == "circuit_breaker@1"
    assert "CLOSED, OPEN and HALF_OPEN" in old.user


def test_the_registry_pins_the_latest_version(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "versions/v2/circuit_breaker.yaml",
        _template("circuit_breaker", 2, "V2"),
    )
    _write(tmp_path, "registry.yaml", "latest:\n  circuit_breaker: 1\n")
    library = PromptLibrary.load([tmp_path])
    assert library.get("circuit_breaker").version == 1
    assert library.get("circuit_breaker@2").body.strip() == "V2"


def test_a_pin_to_a_missing_version_is_an_error(tmp_path: Path) -> None:
    _write(tmp_path, "registry.yaml", "latest:\n  circuit_breaker: 4\n")
    with pytest.raises(TemplateError, match="circuit_breaker@4"):
        PromptLibrary.load([tmp_path])


@pytest.mark.parametrize(
    ("rel", "text", "error"),
    [
        (
            "versions/v2/x.yaml",
            _template("x", 1, "hi"),
            "says version 1 but sits in v2",
        ),
        ("x.yaml", _template("x", 1, "{{ who }}"), "undeclared variables: who"),
        (
            "x.yaml",
            _template("x", 1, "hi", "{who: {type: str, default: a}}"),
            "unused variables: who",
        ),
        ("x.yaml", _template("x", 1, "{% if %}"), "body line 1"),
        (
            "x.yaml",
            _template("x", 1, "{{ n }}", "{n: {type: int, default: five}}"),
            "not of type int",
        ),
        ("x.yaml", "name: x\nversion: 1\n", "invalid template"),
        ("x.yaml", "- a list\n", "not a mapping"),
    ],
)
def test_invalid_templates_are_refused_at_load(
    tmp_path: Path, rel: str, text: str, error: str
) -> None:
    _write(tmp_path, rel, text)
    with pytest.raises(TemplateError, match=error):
        PromptLibrary.load([tmp_path])


def test_a_missing_user_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="template folder not found"):
        PromptLibrary.load([tmp_path / "absent"])
