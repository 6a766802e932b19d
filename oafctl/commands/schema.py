"""`oafctl schema`: write the JSON Schemas generated from the models (editors use them for completion)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Union

import click

from oafctl.commands import UsageFailure

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _dump(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def generate() -> dict[str, str]:
    """File name → JSON text of every published schema."""
    from pydantic import Field, TypeAdapter

    from oafctl.model.documents import KINDS
    from oafctl.report.json_report import Report

    out: dict[str, str] = {}
    kinds = [KINDS[name] for name in sorted(KINDS)]
    for model in kinds:
        schema = model.model_json_schema(by_alias=True)
        schema = {"$schema": SCHEMA_DIALECT, "$id": f"{model.KIND.lower()}.schema.json", **schema}
        out[f"{model.KIND.lower()}.schema.json"] = _dump(schema)
    union = Annotated[Union[tuple(kinds)], Field(discriminator="kind")]  # type: ignore[valid-type]  # noqa: UP007
    combined = TypeAdapter(union).json_schema(by_alias=True)  # type: ignore[arg-type]
    combined = {
        "$schema": SCHEMA_DIALECT,
        "$id": "oaf.schema.json",
        "title": "oafctl document (any kind)",
        "description": "One document of an oafctl governance repo; `kind` selects its shape.",
        **combined,
    }
    out["oaf.schema.json"] = _dump(combined)
    report = Report.model_json_schema(by_alias=True)
    out["report.schema.json"] = _dump({"$schema": SCHEMA_DIALECT, "$id": "report.schema.json", **report})
    return out


@click.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to write into (default: the project's schemas/).")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if the schemas on disk differ.")
def schema(out_dir: Path | None, check: bool) -> None:
    """Write the JSON Schemas of every document kind, of any document (oaf.schema.json) and of the JSON
    report into schemas/. Start a YAML file with `# yaml-language-server: $schema=<path>/oaf.schema.json`
    for completion in editors."""
    from oafctl.resources import data_dir

    target = out_dir or data_dir("schemas")
    generated = generate()
    if check:
        stale = [name for name, text in generated.items()
                 if not (target / name).is_file() or (target / name).read_text(encoding="utf-8") != text]
        if stale:
            click.echo(f"schemas out of date in {target}: {', '.join(sorted(stale))}; run `oafctl schema`")
            raise SystemExit(1)
        click.echo(f"schemas in {target} are up to date")
        return
    try:
        target.mkdir(parents=True, exist_ok=True)
        for name, text in generated.items():
            (target / name).write_text(text, encoding="utf-8", newline="\n")
    except OSError as exc:
        raise UsageFailure(f"cannot write schemas to {target}: {exc.strerror or exc}") from exc
    click.echo(f"wrote {len(generated)} schemas to {target}")
