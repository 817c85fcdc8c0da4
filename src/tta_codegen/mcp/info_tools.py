"""Tools that run no generation: ``validate``, ``list_templates``, ``list_models``."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from mcp.server.mcpserver import MCPServer
from mcp_types import ToolAnnotations
from pydantic import Field

from tta_codegen.engine import Codegen
from tta_codegen.errors import InputError
from tta_codegen.gates import create_sandbox, run_gates
from tta_codegen.mcp.arguments import Workspace
from tta_codegen.mcp.errors import tool_errors
from tta_codegen.mcp.schemas import ModelInfo, TemplateInfo, TemplateVariable
from tta_codegen.models import ModelStats
from tta_codegen.prompts import PromptLibrary, PromptTemplate
from tta_codegen.state import GateReport

__all__ = ["InfoTools"]

Category = Literal["agent_orchestration", "data_layer", "api", "testing"]


def _one_source(
    text: str | None, path: str | None, what: str, workspace: Workspace
) -> str | None:
    if text is not None and path is not None:
        raise InputError(f"give {what} as text or as {what}_path, not both")
    if path is not None:
        return workspace.read(path, f"{what}_path")
    return text


def _template_info(template: PromptTemplate, versions: list[int]) -> TemplateInfo:
    return TemplateInfo(
        name=template.name,
        category=template.category,
        version=template.version,
        versions=versions,
        description=template.description,
        task_type=template.task_type,
        context_types=list(template.context_types),
        variables={
            name: TemplateVariable(
                type=spec.type,
                required=spec.required,
                default=None if spec.required else spec.effective_default(),
                description=spec.description,
            )
            for name, spec in template.variables.items()
        },
    )


def _usd(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


class InfoTools:
    """Quality gates on any code, and what generate can be asked to use."""

    def __init__(self, session: Codegen, workspace: Workspace) -> None:
        self.session = session
        self.workspace = workspace

    def register(self, server: MCPServer) -> None:
        """Add the tools to ``server``."""
        local = ToolAnnotations(read_only_hint=True, open_world_hint=False)
        for tool in (self.validate, self.list_templates, self.list_models):
            server.add_tool(tool, annotations=local)

    async def validate(
        self,
        code: Annotated[str | None, Field(description="The module's text.")] = None,
        code_path: Annotated[
            str | None, Field(description="Or the module's file.")
        ] = None,
        tests: Annotated[str | None, Field(description="Its pytest tests.")] = None,
        tests_path: Annotated[
            str | None, Field(description="Or the tests' file.")
        ] = None,
        module_name: Annotated[
            str | None,
            Field(description="Import name the tests use (default: code_path's)."),
        ] = None,
        profile: Annotated[
            Literal["development", "staging", "production"] | None,
            Field(description="Gate profile (default: the configured one)."),
        ] = None,
        prove: Annotated[
            bool, Field(description="Also re-run the tests and run mutants.")
        ] = False,
    ) -> GateReport:
        """Run the quality gates (syntax, ruff, mypy, bandit, import, tests with
        coverage; in a sandbox) on existing code. passed is false when a
        finding blocks."""
        with tool_errors():
            source = _one_source(code, code_path, "code", self.workspace)
            if source is None:
                raise InputError("give the module as code (text) or code_path")
            test_text = _one_source(tests, tests_path, "tests", self.workspace)
            name = module_name or (
                self.workspace.path(code_path, "code_path").stem
                if code_path
                else "generated"
            )
            if not name.isidentifier():
                raise InputError(f"module_name {name!r} is not an importable name")
            gates = self.session.settings.gates
            if profile is not None:
                gates = gates.model_copy(update={"profile": profile})
            return await run_gates(
                source,
                test_text,
                module_name=name,
                settings=gates,
                sandbox=create_sandbox(gates),
                final=prove and test_text is not None,
                tracer=self.session.context.tracer,
            )

    async def list_templates(
        self,
        category: Annotated[
            Category | None, Field(description="Only this category.")
        ] = None,
    ) -> list[TemplateInfo]:
        """Prompt templates generate can start from, with their variables."""
        with tool_errors():
            library: PromptLibrary = self.session.context.prompts
            return [
                _template_info(t, library.versions(t.name))
                for t in library.list()
                if t.category != "graph" and category in (None, t.category)
            ]

    async def list_models(self) -> list[ModelInfo]:
        """Models generate can use: prices, context windows, quality priors and
        measured latency, errors and gate pass rate."""
        with tool_errors():
            gateway = self.session.context.gateway
            stats = await gateway.stats.snapshot()
            task_type = self.session.settings.generation.task_type
            rows: list[ModelInfo] = []
            for entry in gateway.catalog.all():
                measured = stats.get(entry.id, ModelStats())
                rows.append(
                    ModelInfo(
                        id=entry.id,
                        provider=entry.provider,
                        free=entry.is_free,
                        context_window=entry.context_window,
                        input_cost_per_mtok=_usd(entry.input_cost_per_mtok),
                        output_cost_per_mtok=_usd(entry.output_cost_per_mtok),
                        quality=dict(entry.quality),
                        calls=measured.calls,
                        p50_ms=measured.p50_ms,
                        p95_ms=measured.p95_ms,
                        error_rate=measured.error_rate,
                        pass_rate=measured.pass_rate(task_type),
                    )
                )
            return rows
