"""`oafctl mou`: render MOU documents from the specs, check rendered documents, scaffold a spec."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from oafctl.commands import UsageFailure, parse_date
from oafctl.report import FORMATS

if TYPE_CHECKING:
    from oafctl.engine import Run
    from oafctl.model.documents import MOU

DOCUMENT_FORMATS = ("markdown", "html", "docx", "pdf")
"""Kept here (not imported from oafctl.mou.render) so that `--help` does not import Jinja2."""


def _run(path: Path, framework: str | None, as_of: date | None) -> Run:
    from oafctl.engine import UsageError, validate

    try:
        return validate(path, framework=framework, as_of=as_of)
    except UsageError as exc:
        raise UsageFailure(str(exc)) from exc


def _selected(run: Run, icbs: tuple[str, ...], all_mous: bool) -> list[MOU]:
    """The MOUs in force on the as-of date: every one (--all) or those of the named ICBs."""
    from oafctl.model.build import did_you_mean

    if all_mous and icbs:
        raise UsageFailure("use either --icb CODE or --all, not both")
    if not all_mous and not icbs:
        raise UsageFailure("name the ICB whose MOU to render with --icb CODE, or use --all")
    estate = run.estate
    day = run.as_of.isoformat()
    if all_mous:
        chosen = sorted(estate.mous_in_force, key=lambda m: (m.id, m.source.file, m.source.line))
        if not chosen:
            raise UsageFailure(f"no MOU is in force on {day} (set the date with --as-of)")
        return chosen
    out: list[MOU] = []
    for code in icbs:
        code = code.upper()
        if code not in estate.icbs:
            known = sorted(estate.icbs)
            raise UsageFailure(f"no ICB {code!r} in the estate on {day}{did_you_mean(code, known)}"
                               f" (known: {', '.join(known) or 'none'})")
        in_force = estate.mous_by_icb.get(code, [])
        if not in_force:
            others = [m for m in estate.mous if m.icb == code]
            periods = "; ".join(f"{m.id} runs {m.effective} to {m.expires}" for m in others)
            raise UsageFailure(f"ICB {code} has no MOU in force on {day}"
                               + (f" ({periods}; choose a date with --as-of)" if periods
                                  else f"; write one with `oafctl mou scaffold --icb {code}`"))
        out.extend(sorted(in_force, key=lambda m: m.id))
    return out


@click.group()
def mou() -> None:
    """MOU documents generated from the specs: render, check, scaffold."""


@mou.command()
@click.argument("path", required=False, default=".", type=click.Path(path_type=Path))
@click.option("--icb", "icbs", multiple=True, metavar="CODE", help="Render the MOU in force for this ICB "
              "(repeatable).")
@click.option("--all", "all_mous", is_flag=True, help="Render every MOU in force.")
@click.option("--format", "fmt", type=click.Choice(DOCUMENT_FORMATS), default="markdown", show_default=True,
              help="Document format (pdf needs WeasyPrint: pip install 'oafctl[pdf]').")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("mou-documents"),
              show_default=True, help="Folder to write the documents into (<mou id>.<ext>).")
@click.option("--template-dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder with your own mou.md / mou.html / mou.css / mou.docx (the shipped ones fill the gaps).")
@click.option("--allow-invalid", is_flag=True, help="Render an MOU whose estate fails validate, stamped "
              "DRAFT — NOT VALID with the findings listed.")
@click.option("--framework", metavar="ID", help="Policy pack (default: oaf.yaml, else the pack in force).")
@click.option("--as-of", "as_of", metavar="DATE", callback=parse_date,
              help="Render the MOUs in force on this date (YYYY-MM-DD; default: oaf.yaml, else today, UTC).")
def render(path: Path, icbs: tuple[str, ...], all_mous: bool, fmt: str, out_dir: Path, template_dir: Path | None,
           allow_invalid: bool, framework: str | None, as_of: date | None) -> None:
    """Render the MOU documents of the governance repo at PATH (default: the current folder).

    An MOU is not rendered when `validate` reports errors about it (its ICB, a provider it hosts or
    names, or the MOU document itself) unless --allow-invalid is given. Exit 0 when every document was
    written, 1 when one was refused, 2 on a usage error."""
    from oafctl.mou.render import FORMATS as EXTENSIONS
    from oafctl.mou.render import RenderError
    from oafctl.mou.render import render as render_document
    from oafctl.mou.view import build_view, concerning

    run = _run(path, framework, as_of)
    chosen = _selected(run, icbs, all_mous)
    ids = [m.id for m in chosen]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise UsageFailure(f"two MOUs in force share the id {', '.join(twice)}; fix the ids (see `oafctl validate`)")
    refused = 0
    unmarked = False
    for mou in chosen:
        problems = concerning(run, mou)
        if problems and not allow_invalid:
            refused += 1
            click.echo(f"oafctl: refused {mou.id}: `oafctl validate` reports {len(problems)} "
                       f"error{'' if len(problems) == 1 else 's'} about it (use --allow-invalid to render it "
                       "stamped DRAFT — NOT VALID):", err=True)
            for f in problems:
                click.echo(f"  {f.file}:{f.line}:{f.column}: {f.rule} {f.message}", err=True)
            continue
        view = build_view(run, mou, path, problems)
        try:
            data = render_document(view, fmt, template_dir)
        except RenderError as exc:
            raise UsageFailure(str(exc)) from exc
        target = out_dir / f"{mou.id}.{EXTENSIONS[fmt]}"
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        except OSError as exc:
            raise UsageFailure(f"cannot write {target}: {exc.strerror or exc}") from exc
        note = f" ({view.stamp})" if view.stamp else ""
        click.echo(f"wrote {target.as_posix()}{note}")
        if fmt in ("markdown", "html") and view.provenance.marker.encode("ascii") not in data and not unmarked:
            unmarked = True
            click.echo(f"oafctl: warning: the {fmt} template does not write {{{{ doc.provenance.marker }}}}, so "
                       "`oafctl mou check` cannot check these documents", err=True)
    sys.exit(1 if refused else 0)


@mou.command()
@click.argument("path", required=False, default=".", type=click.Path(path_type=Path))
@click.option("--rendered", "rendered", required=True, type=click.Path(path_type=Path), metavar="DIR",
              help="Folder of rendered documents (searched recursively).")
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATS)), default="text", show_default=True,
              help="Report format.")
@click.option("--framework", metavar="ID", help="Policy pack (default: oaf.yaml, else the pack in force).")
@click.option("--as-of", "as_of", metavar="DATE", callback=parse_date,
              help="Judge the estate on this date (YYYY-MM-DD; default: oaf.yaml, else today, UTC).")
def check(path: Path, rendered: Path, fmt: str, framework: str | None, as_of: date | None) -> None:
    """Check that the rendered MOU documents in --rendered DIR still match their specs in PATH.

    One OAF030 finding per document whose embedded SHA-256 no longer matches (exit 1); exit 0 when all
    match; 2 on a usage error, including a DIR that holds no rendered MOU document."""
    import dataclasses

    from oafctl.mou.check import check_rendered
    from oafctl.report import renderer

    if not rendered.is_dir():
        raise UsageFailure(f"--rendered {rendered}: no such folder")
    run = _run(path, framework, as_of)
    findings, checked = check_rendered(run, path, rendered)
    if checked == 0 and not findings:
        raise UsageFailure(f"{rendered} holds no document rendered by `oafctl mou render`")
    report = dataclasses.replace(run, findings=findings)
    renderer(fmt)(report, sys.stdout)
    sys.exit(1 if findings else 0)


@mou.command()
@click.argument("path", required=False, default=".", type=click.Path(path_type=Path))
@click.option("--icb", "icb", required=True, metavar="CODE", help="The ICB whose MOU to write or update.")
@click.option("--file", "file", type=click.Path(dir_okay=False, path_type=Path),
              help="The spec to write or update (default: the ICB's MOU in force, else mous/<ICB>.yaml).")
@click.option("--id", "mou_id", metavar="ID", help="Id of a new MOU (default: mou-<ICB>-<year>).")
@click.option("--effective", metavar="DATE", callback=parse_date,
              help="Start of a new MOU (default: 1 April of the financial year of the as-of date).")
@click.option("--expires", metavar="DATE", callback=parse_date,
              help="End of a new MOU (default: 31 March after --effective's financial year).")
@click.option("--framework", metavar="ID", help="Policy pack (default: oaf.yaml, else the pack in force).")
@click.option("--as-of", "as_of", metavar="DATE", callback=parse_date,
              help="Judge the estate on this date (YYYY-MM-DD; default: oaf.yaml, else today, UTC).")
def scaffold(path: Path, icb: str, file: Path | None, mou_id: str | None, effective: date | None,
             expires: date | None, framework: str | None, as_of: date | None) -> None:
    """Write a new MOU spec for an ICB from the estate in PATH, or update its existing one: one arrangement
    per hosted provider, with the lead and support the policy pack requires for its segment. An existing
    file keeps its comments and key order; only what is wrong changes."""
    from oafctl.mou.scaffold import ScaffoldError
    from oafctl.mou.scaffold import scaffold as write_spec

    if effective is not None and expires is not None and expires <= effective:
        raise UsageFailure("--expires must be after --effective")
    run = _run(path, framework, as_of)
    try:
        result = write_spec(run, icb.upper(), path, file=file, mou_id=mou_id, effective=effective, expires=expires)
    except ScaffoldError as exc:
        raise UsageFailure(str(exc)) from exc
    shown = result.path.as_posix()
    if result.created:
        click.echo(f"wrote {shown}")
    elif result.changes:
        click.echo(f"updated {shown}")
    else:
        click.echo(f"{shown} already has the arrangements {run.pack.id} requires; not changed")
    for change in result.changes:
        click.echo(f"  {change}")
