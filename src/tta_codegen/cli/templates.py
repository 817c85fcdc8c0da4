"""``tta-codegen templates``: list and show prompt-library templates."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from tta_codegen.cli._common import settings_of

if TYPE_CHECKING:
    from tta_codegen.prompts import PromptLibrary, PromptTemplate

app = typer.Typer(help="Prompt templates: list them, show one.", no_args_is_help=True)


def _library(ctx: typer.Context) -> PromptLibrary:
    from tta_codegen.prompts import PromptLibrary

    settings = settings_of(ctx)
    return PromptLibrary.load(settings.templates.dirs)


def _summary(template: PromptTemplate, versions: list[int]) -> dict[str, object]:
    return {
        "name": template.name,
        "category": template.category,
        "version": template.version,
        "versions": versions,
        "description": template.description,
        "task_type": template.task_type,
        "context_types": list(template.context_types),
        "variables": {
            name: {
                "type": spec.type,
                "required": spec.required,
                "default": None if spec.required else spec.effective_default(),
                "description": spec.description,
            }
            for name, spec in template.variables.items()
        },
    }


@app.command("list")
def list_templates(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List every template (latest versions): name, category, version, variables."""
    library = _library(ctx)
    rows = [_summary(t, library.versions(t.name)) for t in library.list()]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(rows)} templates")
    for column in ("name", "category", "version", "description", "variables"):
        table.add_column(column, overflow="fold")
    for template in library.list():
        table.add_row(
            template.name,
            template.category,
            str(template.version),
            template.description,
            template.needs(),
        )
    Console().print(table)


@app.command("show")
def show_template(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Template name or name@version.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show a template's front matter, system prompt and body."""
    import yaml

    library = _library(ctx)
    template = library.get(name)
    summary = _summary(template, library.versions(template.name))
    if as_json:
        full = {**summary, "system": template.system, "body": template.body}
        typer.echo(json.dumps({**full, "source": template.source}, indent=2))
        return
    front = yaml.safe_dump(summary, sort_keys=False, allow_unicode=True).rstrip()
    typer.echo(f"---\n{front}\nsource: {template.source}\n---")
    typer.echo(
        f"# system\n{template.system.rstrip()}\n\n# body\n{template.body.rstrip()}"
    )
