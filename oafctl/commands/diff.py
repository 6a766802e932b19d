"""`oafctl diff BASE [HEAD]`: what a change to the governance repo means, for the pull request."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from oafctl.commands import UsageFailure, emit, parse_date


@click.command()
@click.argument("base")
@click.argument("head", required=False)
@click.option("--path", "folder", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="The governance folder inside the Git work tree.")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text",
              show_default=True, help="Output format (markdown: ready to post as a pull-request comment).")
@click.option("--framework", metavar="ID", help="Judge both sides against this policy pack.")
@click.option("--as-of", "as_of", metavar="DATE", callback=parse_date, help="Judge both sides on this date.")
@click.option("--fail-on-new", is_flag=True,
              help="Exit 1 when the change introduces a finding at or above --fail-on, or removes the waiver of "
              "one (findings already there do not count).")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), default="error", show_default=True,
              help="The severity --fail-on-new counts.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
def diff(base: str, head: str | None, folder: Path, fmt: str, framework: str | None, as_of: date | None,
         fail_on_new: bool, fail_on: str, output: Path | None) -> None:
    """Compare the governance repo at Git revision BASE with HEAD (default: the working tree): organisations
    added, removed or renamed, segment moves and what they now require, lead and support changes, MOU changes,
    accountability lines, and the findings the change introduces or resolves.

    Revisions are read with git itself (no checkout, no hooks). Exit status: 0, or 1 with --fail-on-new
    when the change introduces findings; 2 usage error (not a Git repo, unknown revision)."""
    from oafctl.diff import DiffError, diff_revisions
    from oafctl.diff.render import RENDERERS
    from oafctl.findings import at_or_above

    try:
        result = diff_revisions(folder, base, head, framework=framework, as_of=as_of)
    except DiffError as exc:
        raise UsageFailure(str(exc)) from exc
    render = RENDERERS[fmt]
    emit(render, result, output)
    # a finding whose waiver the change removed fails like a new one: the change made it count again
    if fail_on_new and any(at_or_above(f, fail_on) for f in [*result.introduced, *result.unwaived] if not f.waived):
        sys.exit(1)
