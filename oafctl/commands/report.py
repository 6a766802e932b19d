"""`oafctl report`: the estate as a diffable document (Markdown with Mermaid diagrams, JSON or HTML)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from oafctl.commands import UsageFailure, emit, parse_date


@click.command()
@click.argument("path", required=False, default=".", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["markdown", "json", "html"]), default="markdown",
              show_default=True, help="Output format (html: one standalone page).")
@click.option("--framework", metavar="ID", help="Policy pack to read segments against (default: oaf.yaml).")
@click.option("--as-of", "as_of", metavar="DATE", callback=parse_date,
              help="The estate as it stands on this date (YYYY-MM-DD; default: oaf.yaml, else today, UTC).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
def report(path: Path, fmt: str, framework: str | None, as_of: date | None, output: Path | None) -> None:
    """The estate at PATH as a document: per region and ICB, each provider with its segment, lead, support and
    MOU; totals per segment; in Markdown, a Mermaid diagram of who oversees whom per region. Sorted and
    without timestamps, so that it can be committed next to the YAML and diffed in every pull request."""
    from oafctl.engine import UsageError, validate
    from oafctl.estate_report import RENDERERS

    try:
        run = validate(path, framework=framework, as_of=as_of)
    except UsageError as exc:
        raise UsageFailure(str(exc)) from exc
    render = RENDERERS[fmt]
    emit(render, run, output)
    active = sum(1 for f in run.findings if not f.waived)
    if active:
        click.echo(f"oafctl: note: the estate has {active} finding{'s' if active != 1 else ''}; "
                   "`oafctl validate` lists them", err=True)
