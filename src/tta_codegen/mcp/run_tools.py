"""The run tools: ``generate``, ``resume`` and ``run_status``.

A call waits up to ``wait_s`` for its run to stop, sending a progress
notification per node when the client asked for progress. A run still going
then is answered with status ``running``; it continues in the server and
``run_status`` follows it.
"""

from __future__ import annotations

from typing import Annotated, Literal

import anyio
from mcp.server.mcpserver import Context, MCPServer
from mcp_types import ToolAnnotations
from pydantic import Field

from tta_codegen.errors import InputError
from tta_codegen.inputs import build_edit_request, require_python
from tta_codegen.mcp.arguments import GenerateArguments, Workspace
from tta_codegen.mcp.errors import tool_errors
from tta_codegen.mcp.progress import NodeProgress
from tta_codegen.mcp.reports import report_for, running_report, stopped_report
from tta_codegen.mcp.runs import ActiveRun, RunService
from tta_codegen.mcp.schemas import RunReport
from tta_codegen.settings import Settings
from tta_codegen.state import ReviewDecision

__all__ = ["DEFAULT_WAIT_S", "RunTools"]

DEFAULT_WAIT_S = 50.0
"""How long a call waits for its run by default: under the 60 s many clients
allow a tool call."""

WaitSeconds = Annotated[
    float,
    Field(
        ge=0,
        le=600,
        description="Seconds to wait for the run to stop. If it is still going "
        "then, the answer has status 'running' and the run continues in the "
        "server: follow it with run_status.",
    ),
]
ThreadId = Annotated[
    str, Field(min_length=1, description="The run's thread id (from generate).")
]
OptionalText = Annotated[str | None, Field(description="Text, or leave out.")]
NewThreadId = Annotated[
    str | None, Field(description="Id for the new run (default: a new one).")
]
PinnedModel = Annotated[
    str | None, Field(description="Pin this model, no fallback (see list_models).")
]
Rounds = Annotated[int | None, Field(ge=0, le=20, description="Refinement rounds.")]


class RunTools:
    """Tools that start, continue and watch runs."""

    def __init__(
        self, service: RunService, settings: Settings, workspace: Workspace
    ) -> None:
        self.service = service
        self.settings = settings
        self.workspace = workspace

    def register(self, server: MCPServer) -> None:
        """Add the tools to ``server``."""
        writes = ToolAnnotations(read_only_hint=False, open_world_hint=True)
        server.add_tool(self.generate, annotations=writes)
        server.add_tool(self.edit, annotations=writes)
        server.add_tool(self.resume, annotations=writes)
        server.add_tool(
            self.run_status,
            annotations=ToolAnnotations(read_only_hint=True, open_world_hint=False),
        )

    async def generate(
        self,
        ctx: Context,
        task: Annotated[
            str, Field(description="What to build (or extra notes for a template).")
        ] = "",
        template: Annotated[
            str | None, Field(description="Template name (see list_templates).")
        ] = None,
        template_vars: Annotated[
            dict[str, str] | None, Field(description="The template's variables.")
        ] = None,
        out_path: Annotated[
            str | None,
            Field(
                description="Write the module here (.py; its name is the import "
                "name). Left out: nothing is written, the code is in the answer."
            ),
        ] = None,
        tests_out_path: Annotated[
            str | None,
            Field(description="Write the tests here (default: test_<module>.py)."),
        ] = None,
        thread_id: NewThreadId = None,
        model: PinnedModel = None,
        max_iterations: Rounds = None,
        review: Annotated[
            bool,
            Field(
                description="Stop before writing, with status awaiting_review; "
                "answer with resume."
            ),
        ] = False,
        context_paths: Annotated[
            list[str] | None,
            Field(description="Folders or files of the codebase to draw on."),
        ] = None,
        context_type: Annotated[
            str | None,
            Field(description="agent_orchestration, data_layer, api or testing."),
        ] = None,
        existing_tests_path: Annotated[
            str | None,
            Field(description="Tests you already have; they must keep passing."),
        ] = None,
        wait_s: WaitSeconds = DEFAULT_WAIT_S,
    ) -> RunReport:
        """Generate a Python module and its tests for a task: a draft, quality
        gates in a sandbox, refinement from the findings, tests that must catch
        bugs, then the files. Paths are relative to the server's folder."""
        with tool_errors():
            request = GenerateArguments(
                task=task,
                template=template,
                template_vars=template_vars,
                out_path=out_path,
                tests_out_path=tests_out_path,
                model=model,
                max_iterations=max_iterations,
                review=review,
                context_paths=tuple(context_paths or ()),
                context_type=context_type,
                existing_tests_path=existing_tests_path,
            ).to_request(self.settings, self.workspace)
            run = await self.service.start(request, thread_id)
            return await self._follow(run, ctx, wait_s)

    async def edit(
        self,
        ctx: Context,
        task: Annotated[str, Field(description="The change to make.")],
        files: Annotated[
            list[str],
            Field(
                min_length=1,
                description="The existing files the run may change (it may add "
                "new ones); relative to the server's folder.",
            ),
        ],
        root: Annotated[
            str | None,
            Field(description="Repository root (default: git root of the files)."),
        ] = None,
        thread_id: NewThreadId = None,
        model: PinnedModel = None,
        max_iterations: Rounds = None,
        review: Annotated[
            bool,
            Field(
                description="Stop before writing, with the diffs; answer with resume."
            ),
        ] = False,
        wait_s: WaitSeconds = DEFAULT_WAIT_S,
    ) -> RunReport:
        """Change existing files for a task: edits checked by the gates and the
        repository's own tests, then every file written at once (or none);
        the report carries a unified diff per file."""
        with tool_errors():
            request = build_edit_request(
                self.settings,
                task=task,
                files=[self.workspace.path(f, "files") for f in files],
                root=None if root is None else self.workspace.path(root, "root"),
                model=model,
                max_iterations=max_iterations,
                review=review,
                context=[],
            )
            run = await self.service.start(request, thread_id)
            return await self._follow(run, ctx, wait_s)

    async def resume(
        self,
        ctx: Context,
        thread_id: ThreadId,
        decision: Annotated[
            Literal["approve", "reject"] | None,
            Field(description="Answer to a run awaiting review."),
        ] = None,
        code: Annotated[
            str | None, Field(description="With approve: your edited module.")
        ] = None,
        tests: Annotated[
            str | None, Field(description="With approve: your edited tests.")
        ] = None,
        wait_s: WaitSeconds = DEFAULT_WAIT_S,
    ) -> RunReport:
        """Answer a run awaiting review (approve, optionally with edited code or
        tests, or reject), or continue an interrupted run where it stopped."""
        with tool_errors():
            if (code is not None or tests is not None) and decision != "approve":
                raise InputError(
                    "code/tests are an edited version: give them with "
                    "decision 'approve'"
                )
            answer = (
                None
                if decision is None
                else ReviewDecision(
                    approved=decision == "approve",
                    code=None if code is None else require_python(code, "code"),
                    tests=None if tests is None else require_python(tests, "tests"),
                )
            )
            run = await self.service.resume(thread_id, answer)
            return await self._follow(run, ctx, wait_s)

    async def run_status(
        self,
        ctx: Context,
        thread_id: ThreadId,
        wait_s: Annotated[
            float,
            Field(
                ge=0,
                le=600,
                description="Wait up to this long for a running run to stop "
                "(with progress); 0 answers at once.",
            ),
        ] = 0.0,
        include_code: Annotated[
            bool, Field(description="Include the latest draft code and tests.")
        ] = False,
    ) -> RunReport:
        """Where a run stands: running (with its current node), or its result:
        status, findings, usage, files written."""
        with tool_errors():
            run = self.service.active(thread_id)
            if run is not None and not run.finished and wait_s > 0:
                with anyio.move_on_after(wait_s):
                    await run.follow(NodeProgress(ctx), skip_past=True)
            return await report_for(self.service, thread_id, include_code=include_code)

    async def _follow(self, run: ActiveRun, ctx: Context, wait_s: float) -> RunReport:
        """Report progress from the run's start until it stops or wait_s passes."""
        with anyio.move_on_after(wait_s):
            await run.follow(NodeProgress(ctx), skip_past=False)
        if run.result is not None:
            return stopped_report(run.result)
        if run.error is not None:
            return await report_for(self.service, run.thread_id)
        return running_report(run)
