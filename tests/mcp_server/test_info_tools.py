"""validate, list_templates and list_models through an MCP client session."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.mcp_server.helpers import mcp_session, structured
from tests.samples import BUGGY_CODE, GOOD_CODE, GOOD_TESTS

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


async def test_validate_and_the_catalogs(config_file: Path, tmp_path: Path) -> None:
    (tmp_path / "calc.py").write_text(GOOD_CODE)
    async with mcp_session(config_file, tmp_path) as session:
        good = structured(
            await session.call("validate", code_path="calc.py", tests=GOOD_TESTS)
        )
        bad = structured(await session.call("validate", code=BUGGY_CODE))
        templates = structured(await session.call("list_templates"))["result"]
        api_only = structured(await session.call("list_templates", category="api"))
        models = structured(await session.call("list_models"))["result"]

    assert good["passed"] and good["tests_ran"] and good["tests_passed"] == 2
    assert not bad["passed"]
    assert any(
        f["code"] == "F821" and f["severity"] == "error" for f in bad["findings"]
    )
    names = {t["name"] for t in templates}
    assert "circuit_breaker" in names
    assert not any(t["category"] == "graph" for t in templates)  # internal prompts
    breaker = next(t for t in templates if t["name"] == "circuit_breaker")
    assert breaker["variables"]["failure_threshold"]["type"] == "int"
    assert {t["category"] for t in api_only["result"]} == {"api"}
    default = next(m for m in models if m["id"] == "deepseek/deepseek-chat-v3.1:free")
    assert default["free"] and default["provider"] == "openrouter"
    assert default["calls"] == 0 and default["pass_rate"] is None
