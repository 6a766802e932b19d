"""The published JSON Schemas: generated from the models (a drift test), and they agree with oafctl about
every bundled example document and about the JSON report."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import EXAMPLES, MINIMAL, ROOT, validate_json

from oafctl.commands.schema import generate
from oafctl.engine import _root_excludes
from oafctl.load import RawDocument
from oafctl.load.discover import load_tree
from oafctl.model import build_document

SCHEMAS = ROOT / "schemas"
TEMPLATES = ROOT / "oafctl" / "templates" / "init"


@cache
def _validator(name: str) -> jsonschema.protocols.Validator:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def _documents(root: Path) -> list[tuple[str, int, Any]]:
    """(file, line, data) of every YAML document oafctl reads under root, parsed by oafctl's own loader
    (YAML 1.2 scalars: dates stay text, as the schemas expect)."""
    out: list[tuple[str, int, Any]] = []
    for loaded in load_tree(root, _root_excludes(root), cwd=ROOT):
        assert not loaded.issues, loaded.issues
        out.extend((loaded.display, doc.line, doc.data) for doc in loaded.documents)
    return out


EXAMPLE_ROOTS = sorted(
    [p for p in EXAMPLES.iterdir() if p.is_dir() and p.name != "rules"]
    + [p for p in (EXAMPLES / "rules").iterdir() if p.is_dir()]
    + [TEMPLATES],
    key=lambda p: p.as_posix(),
)


def test_committed_schemas_match_the_models() -> None:
    generated = generate()
    on_disk = {p.name for p in SCHEMAS.glob("*.json")}
    assert on_disk == set(generated), "run `oafctl schema`"
    for name, text in generated.items():
        assert (SCHEMAS / name).read_text(encoding="utf-8") == text, f"{name} drifted: run `oafctl schema`"


def test_schemas_are_valid_json_schema() -> None:
    for path in sorted(SCHEMAS.glob("*.json")):
        _validator(path.name)


@pytest.mark.parametrize("root", EXAMPLE_ROOTS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_example_documents_validate_against_the_schema(root: Path) -> None:
    """Every document of every example validates against oaf.schema.json and its kind's schema, and the
    schema and the models agree: the one document the OAF000 example breaks on purpose fails both."""
    combined = _validator("oaf.schema.json")
    documents = _documents(root)
    assert documents
    for file, line, data in documents:
        errors = sorted(combined.iter_errors(data), key=lambda e: list(e.path))
        model_ok = not isinstance(build_document(RawDocument(data, line, 1), file), list)
        if root.name == "OAF000" and data.get("code") == "RR7":
            assert errors and not model_ok, "the schema must reject what the model rejects"
            assert any("segmnet" in e.message for e in errors)
            continue
        assert not errors, f"{file}:{line}: {[e.message for e in errors]}"
        assert model_ok, f"{file}:{line} passes the schema but not the model"
        per_kind = SCHEMAS / f"{data['kind'].lower()}.schema.json"
        assert per_kind.is_file(), per_kind
        _validator(per_kind.name).validate(data)


def test_schema_rejects_what_the_models_reject() -> None:
    combined = _validator("oaf.schema.json")
    good = {"apiVersion": "oaf/v1", "kind": "Region", "code": "Y62", "name": "North West"}
    combined.validate(good)
    for bad in (
        {**good, "code": "NO"},  # not an organisation code
        {**good, "code": 162},  # not text
        {**good, "nmae": "x"},  # unknown field
        {**good, "kind": "Regoin"},  # unknown kind
        {**good, "valid_to": "2025-2-3"},  # not YYYY-MM-DD
        {k: v for k, v in good.items() if k != "name"},  # missing field
    ):
        assert list(combined.iter_errors(bad)), bad


REPORT_CASES = [MINIMAL, *sorted((EXAMPLES / "rules").iterdir())]


@pytest.mark.parametrize("root", REPORT_CASES, ids=lambda p: p.name)
def test_json_report_validates_against_its_schema(root: Path) -> None:
    code, report = validate_json(root)
    _validator("report.schema.json").validate(report)
    assert set(report) == {"oafctl", "framework", "as_of", "summary", "findings"}
    assert {"errors", "warnings", "files", "organisations"} <= set(report["summary"])
    for finding in report["findings"]:
        assert {"rule", "severity", "file", "line", "column", "message", "organisations", "hint",
                "fingerprint"} <= set(finding)
        assert finding["line"] >= 1 and finding["column"] >= 1
        assert "\\" not in finding["file"] and not finding["file"].startswith("/")
    assert code == (1 if report["findings"] else 0)


def test_report_schema_rejects_a_malformed_report() -> None:
    _code, report = validate_json(EXAMPLES / "rules" / "OAF003")
    validator = _validator("report.schema.json")
    broken = json.loads(json.dumps(report))
    broken["findings"][0]["line"] = 0
    assert list(validator.iter_errors(broken))
    broken = json.loads(json.dumps(report))
    del broken["summary"]
    assert list(validator.iter_errors(broken))
