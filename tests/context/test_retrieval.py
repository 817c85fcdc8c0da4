"""Retrieval: the relevant file in, unrelated and ignored files out, budget kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from tta_codegen.context import (
    build_context,
    chunk_cost,
    open_index,
    render_context,
)
from tta_codegen.errors import InputError
from tta_codegen.tokens import estimate_tokens

pytestmark = pytest.mark.unit

TASK = "Add a half-open state to the circuit breaker so one trial request is allowed"
MAX_BYTES = 20_000


def _build(repo: Path, tmp_path: Path, **kwargs: object) -> object:
    return build_context(
        TASK,
        [repo],
        cache_dir=tmp_path / "cache",
        max_file_bytes=MAX_BYTES,
        **kwargs,  # type: ignore[arg-type]
    )


def test_picks_the_relevant_file_and_leaves_unrelated_ones_out(
    repo: Path, tmp_path: Path
) -> None:
    bundle = build_context(
        TASK,
        [repo],
        budget_tokens=4000,
        cache_dir=tmp_path / "c",
        max_file_bytes=MAX_BYTES,
    )
    paths = {c.path for c in bundle.chunks}
    assert "repo/orchestration/circuit_breaker.py" in paths
    assert not any("users" in p or "strings" in p for p in paths)
    best = bundle.chunks[0]
    assert best.path == "repo/orchestration/circuit_breaker.py"
    assert best.symbol.startswith("CircuitBreaker")
    assert "breaker" in best.why and "circuit" in best.why
    assert "class CircuitBreaker" in best.text


def test_ignored_generated_binary_and_huge_files_are_never_indexed(
    repo: Path, tmp_path: Path
) -> None:
    index = open_index([repo], cache_dir=tmp_path / "c", max_file_bytes=MAX_BYTES)
    labels = {c.label for c in index.chunks}
    assert labels == {
        "repo/orchestration/circuit_breaker.py",
        "repo/orchestration/__init__.py",
        "repo/data/users.py",
        "repo/util/strings.py",
        "repo/docs/patterns.md",
    }
    assert index.stats.skipped == 2  # the generated pb2 file and the binary


def test_pattern_documents_come_first_and_are_bounded(
    repo: Path, tmp_path: Path
) -> None:
    (repo / "ARCHITECTURE.md").write_text("Layers talk through ports.\n" * 400)
    bundle = build_context(
        TASK,
        [repo],
        budget_tokens=900,
        cache_dir=tmp_path / "c",
        pattern_docs=["docs/patterns.md", "ARCHITECTURE.md", "AGENTS.md"],
        max_file_bytes=MAX_BYTES,
    )
    kinds = [c.kind for c in bundle.chunks]
    assert kinds[:2] == ["pattern", "pattern"]
    assert "pattern" not in kinds[2:]
    assert bundle.chunks[0].path == "repo/docs/patterns.md"
    assert "truncated" in bundle.chunks[1].why
    assert sum(chunk_cost(c) for c in bundle.chunks[:2]) <= 900 // 3
    # the pattern document is not repeated as a retrieved chunk
    assert [c.path for c in bundle.chunks].count("repo/docs/patterns.md") == 1


@pytest.mark.parametrize("budget", [60, 150, 400, 5000])
def test_token_budget_is_respected(repo: Path, tmp_path: Path, budget: int) -> None:
    bundle = build_context(
        TASK,
        [repo],
        budget_tokens=budget,
        cache_dir=tmp_path / "c",
        max_file_bytes=MAX_BYTES,
        requirements="coverage >= 70%",
    )
    assert bundle.budget == budget
    assert bundle.tokens == sum(chunk_cost(c) for c in bundle.chunks) <= budget
    assert sum(estimate_tokens(c.text) for c in bundle.chunks) <= budget
    assert bundle.requirements == "coverage >= 70%"
    if budget >= 400:
        assert bundle.chunks


def test_a_single_file_root_is_indexed(repo: Path, tmp_path: Path) -> None:
    bundle = build_context(
        TASK,
        [repo / "orchestration" / "circuit_breaker.py"],
        budget_tokens=2000,
        cache_dir=tmp_path / "c",
    )
    assert {c.path for c in bundle.chunks} == {"circuit_breaker.py"}


def test_missing_root_is_an_input_error_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(InputError, match="nowhere"):
        build_context(TASK, [missing], budget_tokens=100, cache_dir=tmp_path / "c")


def test_context_type_steers_between_equal_matches(tmp_path: Path) -> None:
    root = tmp_path / "svc"
    root.mkdir()
    (root / "a.py").write_text(
        "def open_connection(url):\n"
        '    """Connection from the redis pool, kept in the cache."""\n'
        "    return pool_get(url)\n"
    )
    (root / "b.py").write_text(
        "def accept_connection(request):\n"
        '    """Connection of an http request routed to an endpoint."""\n'
        "    return router(request)\n"
    )
    cache = tmp_path / "c"
    task = "improve connection handling"

    def first(kind: str) -> str:
        bundle = build_context(
            task, [root], budget_tokens=1000, cache_dir=cache, context_type=kind
        )
        return bundle.chunks[0].path

    assert first("data_layer") == "svc/a.py"
    assert first("api") == "svc/b.py"


def test_rendered_context_labels_each_chunk(repo: Path, tmp_path: Path) -> None:
    bundle = build_context(
        TASK,
        [repo],
        budget_tokens=3000,
        cache_dir=tmp_path / "c",
        pattern_docs=["docs/patterns.md"],
        max_file_bytes=MAX_BYTES,
    )
    text = render_context(bundle)
    assert text.startswith("## Architectural patterns")
    code = next(c for c in bundle.chunks if c.kind == "code")
    assert f"### {code.path}:{code.start_line}-{code.end_line}" in text
    assert "```python\n" in text
    assert render_context(type(bundle)()) == ""


def test_several_roots_are_searched_together(repo: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "half_open.py").write_text(
        "def half_open_trial(breaker):\n"
        '    """Let one trial request through a half-open circuit breaker."""\n'
        "    return breaker.allow_request()\n"
    )
    bundle = build_context(
        TASK,
        [repo, other, repo],
        budget_tokens=3000,
        cache_dir=tmp_path / "c",
        max_file_bytes=MAX_BYTES,
    )
    paths = [c.path for c in bundle.chunks]
    assert "other/half_open.py" in paths
    assert "repo/orchestration/circuit_breaker.py" in paths
    assert len(paths) == len({(c.path, c.start_line) for c in bundle.chunks})
