"""The prompt library: built-ins load and render; errors say what is needed."""

from __future__ import annotations

from collections import Counter

import pytest

from tta_codegen.errors import TemplateError
from tta_codegen.findings import Finding
from tta_codegen.prompts import PromptLibrary, PromptTemplate, parse_var_assignments

pytestmark = pytest.mark.unit

SAMPLES: dict[str, object] = {
    "str": "sample text",
    "int": 7,
    "bool": True,
    "list": ["alpha", "beta"],
}
FINDING = {
    "gate": "ruff",
    "severity": "error",
    "code": "F821",
    "path": "breaker.py",
    "line": 12,
    "message": "undefined name 'clock'",
    "target": "code",
}
GRAPH_VARIABLES = {
    "graph/generate": {"task", "module_name", "context", "requirements"},
    "graph/refine": {
        "task",
        "module_name",
        "code",
        "findings",
        "context",
        "requirements",
    },
    "graph/generate_tests": {"task", "module_name", "code", "existing_tests"},
    "graph/refine_tests": {"task", "module_name", "code", "tests", "findings"},
    "graph/edit": {"task", "files", "repo_map", "context", "requirements"},
    "graph/refine_edit": {"task", "files", "findings", "requirements"},
    "graph/edit_tests": {"task", "diff", "tests_path", "imports"},
}
FILE = {"path": "shop/pricing.py", "text": "def price() -> int:\n    return 1\n"}


@pytest.fixture(scope="module")
def library() -> PromptLibrary:
    return PromptLibrary.load()


def _required_values(template: PromptTemplate) -> dict[str, object]:
    values: dict[str, object] = {}
    for name, spec in template.variables.items():
        if spec.required:
            values[name] = {"findings": [FINDING], "files": [FILE]}.get(
                name, SAMPLES[spec.type]
            )
    return values


def test_at_least_twenty_task_templates_across_the_four_categories(
    library: PromptLibrary,
) -> None:
    templates = library.list()
    per_category = Counter(t.category for t in templates)
    task_templates = [t for t in templates if t.category != "graph"]
    assert len(task_templates) >= 20
    for category in ("agent_orchestration", "data_layer", "api", "testing"):
        assert per_category[category] >= 4, category
    for template in task_templates:
        assert template.variables, template.name
        assert template.context_types, template.name
        assert "REQUIREMENTS:" in template.body, template.name


def test_every_template_renders_with_defaults_and_required_values(
    library: PromptLibrary,
) -> None:
    for template in library.list():
        rendered = library.render(template.name, _required_values(template))
        assert rendered.template_id == f"{template.name}@{template.version}"
        assert rendered.user and rendered.system, template.name
        assert "{{" not in rendered.user and "{%" not in rendered.user


def test_every_template_renders_with_every_variable_given(
    library: PromptLibrary,
) -> None:
    for template in library.list():
        values = {
            name: {"findings": [FINDING], "files": [FILE]}.get(name, SAMPLES[spec.type])
            for name, spec in template.variables.items()
        }
        rendered = library.render(template.name, values)
        if any(spec.type == "str" for spec in template.variables.values()):
            assert "sample text" in rendered.user, template.name


def test_graph_prompts_have_exactly_the_agreed_variables(
    library: PromptLibrary,
) -> None:
    for name, variables in GRAPH_VARIABLES.items():
        template = library.get(name)
        assert template.category == "graph"
        assert set(template.variables) == variables, name


def test_generate_prompt_asks_for_one_python_block_of_the_module(
    library: PromptLibrary,
) -> None:
    rendered = library.render(
        "graph/generate",
        {"task": "a circuit breaker", "module_name": "breaker", "context": ""},
    )
    assert "ONE ```python fenced block" in rendered.user
    assert "`breaker.py`" in rendered.user
    assert "CODEBASE CONTEXT" not in rendered.user  # empty context left out
    with_context = library.render(
        "graph/generate",
        {
            "task": "t",
            "module_name": "m",
            "context": "### a.py:1-3",
            "requirements": "R1",
        },
    )
    assert "### a.py:1-3" in with_context.user and "R1" in with_context.user


def test_refine_prompts_list_every_finding(library: PromptLibrary) -> None:
    as_model = Finding(
        gate="tests", severity="error", message="test_open failed", target="tests"
    )
    for name in ("graph/refine", "graph/refine_tests"):
        values = {
            "task": "t",
            "module_name": "breaker",
            "code": "x = clock()",
            "tests": "def test_x(): pass",
            "findings": [FINDING, {**FINDING, "line": None}, as_model],
        }
        template = library.get(name)
        rendered = library.render(
            name, {k: v for k, v in values.items() if k in template.variables}
        )
        assert (
            "[ruff/error] F821 at breaker.py:12 (in the code): undefined"
            in rendered.user
        )
        assert "F821 at breaker.py (in the code)" in rendered.user
        assert "[tests/error] (in the tests): test_open failed" in rendered.user
        assert "FIX (3)" in rendered.user
        assert "```python block" in rendered.user


def test_code_holding_backticks_gets_a_longer_fence(library: PromptLibrary) -> None:
    code = 'DOC = """\n```python\nx = 1\n```\n"""'
    rendered = library.render(
        "graph/refine",
        {"task": "t", "module_name": "m", "code": code, "findings": []},
    )
    assert "````python\n" + code + "\n````" in rendered.user


def test_generate_tests_prompt_imports_the_module(library: PromptLibrary) -> None:
    rendered = library.render(
        "graph/generate_tests",
        {"task": "t", "module_name": "breaker", "code": "def f(): ..."},
    )
    assert "import breaker" in rendered.user
    assert "from breaker import" in rendered.user
    assert "No network" in rendered.user and "Deterministic" in rendered.user


def test_a_missing_required_variable_lists_what_the_template_needs(
    library: PromptLibrary,
) -> None:
    with pytest.raises(TemplateError) as info:
        library.render("graph/generate", {"task": "t"})
    message = str(info.value)
    assert "missing variable module_name" in message
    assert "module_name (str, required)" in message
    assert "context (str, default '')" in message


def test_an_unknown_variable_is_refused(library: PromptLibrary) -> None:
    with pytest.raises(TemplateError, match="unknown variable.*colour") as info:
        library.render("circuit_breaker", {"colour": "red"})
    assert "failure_threshold (int, default 5)" in str(info.value)


def test_a_wrongly_typed_variable_is_refused(library: PromptLibrary) -> None:
    with pytest.raises(TemplateError, match="failure_threshold.*must be int"):
        library.render("circuit_breaker", {"failure_threshold": "five"})


def test_an_unknown_template_suggests_close_names(library: PromptLibrary) -> None:
    with pytest.raises(TemplateError, match="circuit_breaker"):
        library.get("circut_breaker")
    with pytest.raises(TemplateError, match="available: circuit_breaker@1"):
        library.get("circuit_breaker@9")


def test_render_task_converts_cli_strings_to_declared_types(
    library: PromptLibrary,
) -> None:
    rendered = library.render_task(
        "retry_backoff",
        {
            "max_attempts": "3",
            "retry_on": "OSError, KeyError",
            "honour_retry_after": "no",
        },
    )
    assert "At most 3 attempts" in rendered.user
    assert "Retry only on: OSError, KeyError;" in rendered.user
    assert "Retry-After" not in rendered.user
    listed = library.render_task("retry_backoff", {"retry_on": '["ValueError"]'})
    assert "Retry only on: ValueError;" in listed.user
    with pytest.raises(TemplateError, match="max_attempts must be an integer"):
        library.render_task("retry_backoff", {"max_attempts": "many"})
    with pytest.raises(TemplateError, match="true or false"):
        library.render_task("retry_backoff", {"honour_retry_after": "maybe"})


def test_var_options_are_parsed_into_a_mapping(library: PromptLibrary) -> None:
    raw = parse_var_assignments(["service_name=neo4j", "reference_code=a=b", "x= "])
    assert raw == {"service_name": "neo4j", "reference_code": "a=b", "x": " "}
    with pytest.raises(TemplateError, match="KEY=VALUE"):
        parse_var_assignments(["no-equals-sign"])
    with pytest.raises(TemplateError, match="unknown variable"):
        library.render_task("circuit_breaker", raw)
