"""``tta-codegen openhands ...``: the postponed OpenHands path (ADR-001)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from tta_codegen.cli._common import settings_of

app = typer.Typer(
    help="The postponed OpenHands path (ADR-001): status and activation criteria.",
    no_args_is_help=True,
)


@app.callback()
def openhands() -> None:
    """The postponed OpenHands path (ADR-001)."""


_STATE_STYLE = {
    "met": "green",
    "not met": "red",
    "unknown": "yellow",
    "manual": "cyan",
}


@app.command("status")
def status(
    ctx: typer.Context,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print one JSON object on stdout.")
    ] = False,
) -> None:
    """Installed SDK version, enabled or not, ADR-001's activation criteria and
    the newest release on PyPI: the monthly check in one command."""
    from rich.console import Console
    from rich.table import Table

    from tta_codegen.errors import ConfigError
    from tta_codegen.openhands.availability import EXTRA_INSTALL
    from tta_codegen.openhands.status import collect_status

    settings = settings_of(ctx)
    report = collect_status(settings)

    if json_output:
        typer.echo(json.dumps(report.to_json(), indent=2))
    else:
        out = Console()
        installed = report.installed_version or "not installed"
        if report.index_reachable:
            latest = report.latest_version or "unknown"
        else:
            latest = "PyPI not reachable"
        out.print(
            f"openhands-sdk installed: {installed}", highlight=False, markup=False
        )
        out.print(f"newest release:          {latest}", highlight=False, markup=False)
        state = "enabled" if report.enabled else "disabled (postponed, ADR-001)"
        out.print(f"[openhands]:             {state}", highlight=False, markup=False)
        table = Table("criterion", "state", "detail", title="Activation criteria")
        for criterion in report.criteria:
            style = _STATE_STYLE[criterion.state]
            table.add_row(
                criterion.title, f"[{style}]{criterion.state}[/]", criterion.detail
            )
        out.print(table)
    if report.misconfigured:
        raise ConfigError(
            f"OpenHands is enabled but the SDK is not installed: {EXTRA_INSTALL}"
        )
