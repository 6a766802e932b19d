"""`oafctl validate`: check a governance repo and report findings."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from oafctl.commands import UsageFailure, emit, parse_date
from oafctl.report import FORMATS


@click.command()
@click.argument("path", required=False, default=".", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATS)), default="text", show_default=True,
              help="Output format.")
@click.option("--framework", metavar="ID", help="Policy pack to judge against (default: oaf.yaml, else the "
              "pack in force on the as-of date).")
@click.option("--as-of", "as_of", metavar="DATE", callback=parse_date,
              help="Judge the estate as it stands on this date (YYYY-MM-DD; default: oaf.yaml, else today, UTC).")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), default="error", show_default=True,
              help="Exit 1 when a finding at or above this severity remains.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report to this file instead of standard output.")
@click.option("--baseline", "baseline_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Accept the findings recorded in this baseline file: they are reported as waived.")
@click.option("--write-baseline", "write_baseline", type=click.Path(dir_okay=False, path_type=Path),
              help="Record every current finding in this baseline file (then report them as waived).")
@click.option("--no-cache", "no_cache", is_flag=True,
              help="Parse every file afresh: do not read or write the parse cache in .oafctl-cache/.")
def validate(path: Path, fmt: str, framework: str | None, as_of: date | None, fail_on: str,
             output: Path | None, baseline_file: Path | None = None, write_baseline: Path | None = None,
             no_cache: bool = False) -> None:
    """Check the governance repo at PATH (default: the current folder) against the oversight framework.

    Exit status: 0 clean, 1 findings at or above --fail-on, 2 usage error."""
    from oafctl.engine import UsageError
    from oafctl.engine import validate as run_validation
    from oafctl.findings import at_or_above
    from oafctl.report import renderer

    try:
        run = run_validation(path, framework=framework, as_of=as_of, cache=not no_cache)
    except UsageError as exc:
        raise UsageFailure(str(exc)) from exc
    if baseline_file is not None or write_baseline is not None:
        from oafctl import baseline

        try:
            if write_baseline is not None:
                count = baseline.write(write_baseline, run.findings)
                click.echo(f"oafctl: wrote {count} finding{'s' if count != 1 else ''} to baseline {write_baseline}",
                           err=True)
            chosen = baseline_file or write_baseline
            assert chosen is not None
            run.findings = baseline.apply(run.findings, baseline.read(chosen), chosen.as_posix())
        except baseline.BaselineError as exc:
            raise UsageFailure(str(exc)) from exc
    render = renderer(fmt)
    emit(render, run, output)
    failing = any(at_or_above(f, fail_on) for f in run.findings if not f.waived)
    sys.exit(1 if failing else 0)
