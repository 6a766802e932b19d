"""`oafctl init`: scaffold a small governance repo that validates clean."""

from __future__ import annotations

from pathlib import Path

import click

from oafctl.commands import UsageFailure

TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "init"


@click.command()
@click.argument("directory", required=False, default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Write even if the folder already holds YAML files.")
def init(directory: Path, force: bool) -> None:
    """Scaffold a governance repo in DIRECTORY (default: here): oaf.yaml, organisations, lines and an MOU
    for one ICB, valid under the NHS Oversight Framework 2025/26. Edit it to describe your own estate."""
    existing = sorted(p.name for p in directory.glob("*.y*ml")) if directory.is_dir() else []
    if existing and not force:
        raise UsageFailure(f"{directory} already holds YAML files ({', '.join(existing)}); use --force to add anyway")
    targets = sorted(TEMPLATE.glob("*.yaml"))
    clashes = [t.name for t in targets if (directory / t.name).exists()]
    if clashes:
        raise UsageFailure(f"would overwrite {', '.join(clashes)} in {directory}")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for template in targets:
            (directory / template.name).write_text(template.read_text(encoding="utf-8"), encoding="utf-8")
    except OSError as exc:
        raise UsageFailure(f"cannot write to {directory}: {exc.strerror or exc}") from exc
    click.echo(f"wrote {len(targets)} files to {directory}; next: oafctl validate {directory}")
