"""`--format json`: one object, byte-stable, described by schemas/report.schema.json."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Literal, TextIO

from pydantic import BaseModel, ConfigDict, Field

from oafctl import __version__
from oafctl.findings import Finding

if TYPE_CHECKING:
    from oafctl.engine import Run


class Summary(BaseModel):
    model_config = ConfigDict(extra="forbid")
    errors: int
    warnings: int
    infos: int
    waived: int
    files: int
    organisations: int


class FindingRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rule: str = Field(pattern=r"^[A-Z][A-Z0-9_-]*[0-9]+$")
    severity: Literal["error", "warning", "info"]
    file: str
    line: int = Field(ge=1)
    column: int = Field(ge=1)
    message: str
    organisations: list[str]
    hint: str
    fingerprint: str
    waived: bool = False
    waiver_reason: str | None = None


class Report(BaseModel):
    """The JSON report of `oafctl validate --format json`."""

    model_config = ConfigDict(extra="forbid", title="oafctl validate report")
    oafctl: str
    framework: str
    as_of: str
    summary: Summary
    findings: list[FindingRecord]


def finding_record(f: Finding) -> dict[str, Any]:
    record: dict[str, Any] = {
        "rule": f.rule,
        "severity": f.severity,
        "file": f.file,
        "line": f.line,
        "column": f.column,
        "message": f.message,
        "organisations": list(f.organisations),
        "hint": f.hint,
        "fingerprint": f.fingerprint,
        "waived": f.waived,
    }
    if f.waived:
        record["waiver_reason"] = f.waiver_reason
    return record


def summary(run: Run) -> dict[str, int]:
    active = [f for f in run.findings if not f.waived]
    return {
        "errors": sum(1 for f in active if f.severity == "error"),
        "warnings": sum(1 for f in active if f.severity == "warning"),
        "infos": sum(1 for f in active if f.severity == "info"),
        "waived": sum(1 for f in run.findings if f.waived),
        "files": len(run.files),
        "organisations": run.organisations,
    }


def document(run: Run) -> dict[str, Any]:
    return {
        "oafctl": __version__,
        "framework": run.pack.id,
        "as_of": run.as_of.isoformat(),
        "summary": summary(run),
        "findings": [finding_record(f) for f in run.findings],
    }


def render(run: Run, stream: TextIO) -> None:
    stream.write(json.dumps(document(run), indent=2, ensure_ascii=False))
    stream.write("\n")
