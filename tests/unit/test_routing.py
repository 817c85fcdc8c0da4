import pytest

from tta_codegen.findings import Finding
from tta_codegen.graphs.routing import after_route, after_validate
from tta_codegen.state import CodegenRequest, CodegenState, GateReport

pytestmark = pytest.mark.unit

ERR_CODE = Finding(gate="ruff", severity="error", code="F821", message="undefined c")
ERR_TESTS = Finding(
    gate="tests", severity="error", message="collection error", target="tests"
)
WARN = Finding(gate="ruff", severity="warning", code="E501", message="long line")


def state(*, findings: list[Finding] | None = None, **values: object) -> CodegenState:
    """A state after a validate pass that found ``findings``."""
    base: dict[str, object] = {"request": CodegenRequest(task="t"), "iteration": 0}
    if findings is not None:
        base["report"] = GateReport(findings=tuple(findings))
    base.update(values)
    return base  # type: ignore[return-value]


def route(s: CodegenState, *, enabled: bool = False, max_iterations: int = 3) -> str:
    return after_validate(s, max_iterations=max_iterations, openhands_enabled=enabled)


def test_clean_code_without_tests_goes_to_generate_tests() -> None:
    assert route(state(findings=[WARN])) == "generate_tests"


def test_all_passing_goes_to_write_output_or_review() -> None:
    assert route(state(findings=[WARN], tests="t")) == "write_output"
    reviewed = state(
        findings=[], tests="t", request=CodegenRequest(task="t", review=True)
    )
    assert route(reviewed) == "review"


def test_blocking_findings_refine_while_rounds_are_left() -> None:
    assert route(state(findings=[ERR_CODE], iteration=1)) == "refine"
    assert route(state(findings=[ERR_TESTS], tests="t", iteration=2)) == "refine"


def test_out_of_rounds_ends_with_the_report() -> None:
    assert route(state(findings=[ERR_CODE], iteration=3)) == "write_output"


def test_request_max_iterations_overrides_settings() -> None:
    s = state(
        findings=[ERR_CODE],
        iteration=1,
        request=CodegenRequest(task="t", max_iterations=1),
    )
    assert route(s) == "write_output"


def test_same_findings_twice_stops_instead_of_spinning() -> None:
    fp = [ERR_CODE.fingerprint]
    s = state(findings=[ERR_CODE], iteration=1, finding_history=[fp, fp])
    assert route(s) == "write_output"


def test_stalled_complex_task_escalates_once_when_openhands_enabled() -> None:
    fp = [ERR_CODE.fingerprint]
    s = state(
        findings=[ERR_CODE],
        iteration=1,
        finding_history=[fp, fp],
        complexity="complex",
        route="direct",
    )
    assert route(s, enabled=True) == "openhands"
    assert route(s, enabled=False) == "write_output"
    assert route({**s, "escalated": True}, enabled=True) == "write_output"
    simple = {**s, "complexity": "simple"}
    assert route(simple, enabled=True) == "write_output"  # type: ignore[arg-type]


def test_after_route_follows_the_route_node() -> None:
    assert after_route(state(route="openhands")) == "openhands"
    assert after_route(state(route="direct")) == "generate"
