"""The server's rules as plain functions: binds, paths, error lines, progress."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from tests.cli_runner import run_cli

from tta_codegen.errors import InputError, TemplateError
from tta_codegen.events import FindingFound, NodeFinished, NodeStarted
from tta_codegen.findings import Finding
from tta_codegen.mcp.arguments import Workspace
from tta_codegen.mcp.errors import compact_validation_text as compact
from tta_codegen.mcp.errors import error_line
from tta_codegen.mcp.progress import NodeProgress, progress_message
from tta_codegen.mcp.transport import plan_http

pytestmark = pytest.mark.unit

TOKEN = "0123456789abcdef0123"


def test_every_public_name_is_importable() -> None:
    import tta_codegen.mcp as package

    for name in package.__all__:
        assert getattr(package, name) is not None, name


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "[::1]"])
def test_loopback_binds_need_no_flag_and_no_token(host: str) -> None:
    plan = plan_http(f"{host}:8765", allow_remote=False, token=None)
    assert plan.loopback and plan.token is None and plan.port == 8765
    assert plan.url.endswith(":8765/mcp")


def test_a_token_on_loopback_is_still_required_of_clients() -> None:
    assert plan_http("127.0.0.1:1", allow_remote=False, token=TOKEN).token == TOKEN


@pytest.mark.parametrize(
    ("allow_remote", "token", "message"),
    [
        (False, None, "--allow-remote"),
        (False, TOKEN, "--allow-remote"),
        (True, None, "TTA_CODEGEN_MCP_TOKEN"),
        (True, "", "TTA_CODEGEN_MCP_TOKEN"),
        (True, "short", "too short"),
    ],
)
def test_a_remote_bind_needs_the_flag_and_a_real_token(
    allow_remote: bool, token: str | None, message: str
) -> None:
    for host in ("0.0.0.0", "192.168.1.10", "example.com", "[::]"):
        with pytest.raises(InputError, match=message):
            plan_http(f"{host}:8765", allow_remote=allow_remote, token=token)


def test_a_remote_bind_with_flag_and_token_is_allowed() -> None:
    plan = plan_http("0.0.0.0:8765", allow_remote=True, token=TOKEN)
    assert not plan.loopback and plan.token == TOKEN


def test_confined_workspace_refuses_paths_outside_its_root(tmp_path: Path) -> None:
    inside = Workspace(tmp_path, confined=True)
    assert inside.path("pkg/calc.py", "out_path") == tmp_path / "pkg" / "calc.py"
    for raw in ("/etc/passwd", "../elsewhere.py", "pkg/../../x.py"):
        with pytest.raises(InputError, match="outside the served folder"):
            inside.path(raw, "out_path")
    assert Workspace(tmp_path).path("/etc/passwd", "code_path") == Path("/etc/passwd")
    with pytest.raises(InputError, match="out_path is empty"):
        inside.path(" ", "out_path")


def test_error_lines_use_argument_names_and_hide_secrets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    secret = "sk-or-v1-abcdefghijklmnopqrstuvwxyz012345"
    monkeypatch.setenv("OPENROUTER_API_KEY", secret)
    line = error_line(InputError("--out x.txt must end in .py"))
    assert line == "error[TTA100]: out_path x.txt must end in .py"
    line = error_line(
        TemplateError("bad\nvar", hint=f"--var a=b; key {secret} was refused")
    )
    assert line.startswith("error[TTA102]: bad var (template_vars a=b")
    assert secret not in line and "\n" not in line


def test_pydantic_validation_text_becomes_one_line() -> None:
    text = (
        "Error executing tool generate: 2 validation errors for generateArguments\n"
        "max_iterations\n"
        "  Input should be less than or equal to 20 [type=less_than_equal, "
        "input_value=99, input_type=int]\n"
        "    For further information visit https://errors.pydantic.dev/2/v/x\n"
        "review\n"
        "  Input should be a valid boolean [type=bool_parsing, input_value='x']\n"
    )
    assert compact(text) == (
        "Error executing tool generate: invalid arguments: max_iterations: Input "
        "should be less than or equal to 20; review: Input should be a valid boolean"
    )
    assert compact("Error executing tool x: plain\nproblem") == (
        "Error executing tool x: plain problem"
    )


class _Sink:
    def __init__(self) -> None:
        self.sent: list[tuple[float, str | None]] = []

    async def report_progress(
        self, progress: float, total: float | None = None, message: str | None = None
    ) -> None:
        self.sent.append((progress, message))


async def test_progress_counts_node_events_only() -> None:
    sink = _Sink()
    progress = NodeProgress(sink)
    finding = Finding(gate="ruff", severity="error", message="Undefined name `c`")
    for event in (
        NodeStarted("generate", 0),
        FindingFound(finding),
        NodeFinished("generate", 1.25),
        NodeStarted("validate", 1),
    ):
        await progress(event)
    assert sink.sent == [
        (1, "generate started (round 0)"),
        (2, "generate finished in 1.2 s"),
        (3, "validate started (round 1)"),
    ]
    assert progress_message(FindingFound(finding)) is None


def test_without_the_mcp_extra_the_command_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the package cannot be found, as in an install without tta-codegen[mcp]
    monkeypatch.setitem(sys.modules, "mcp", None)
    result = run_cli("mcp")
    assert result.returncode == 2
    assert "pip install 'tta-codegen[mcp]'" in result.stderr
    assert "Traceback" not in result.stderr
