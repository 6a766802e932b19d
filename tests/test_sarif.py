"""`--format sarif` validates against the official SARIF 2.1.0 JSON Schema, shipped in tests/data.

tests/data/sarif-2.1.0.schema.json is the OASIS schema (errata01, `$schema` draft-04) from the repository
oasis-tcs/sarif-spec, file sarif-2.1/schema/sarif-schema-2.1.0.json at commit
e0583813964ec43cea53b6b531b402866095ed1f (last changed in a560296c), unmodified.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import ROOT, edit, run_cli

SCHEMA = ROOT / "tests" / "data" / "sarif-2.1.0.schema.json"
FROZEN = ROOT / "tests" / "data" / "pr-estate"


@cache
def validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def sarif(path: Path, *extra: str) -> dict[str, Any]:
    result = run_cli("validate", str(path), "--format", "sarif", *extra)
    assert "Traceback" not in result.output
    data: dict[str, Any] = json.loads(result.output)
    return data


def errors(log: dict[str, Any]) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator().iter_errors(log)]


def test_clean_run_is_valid_sarif() -> None:
    log = sarif(FROZEN)
    assert errors(log) == []
    (run,) = log["runs"]
    assert run["results"] == []
    assert {r["id"] for r in run["tool"]["driver"]["rules"]} >= {"OAF001", "OAF003", "OAF020", "OAF021"}


def test_findings_and_suppressions_are_valid_sarif(estate: Callable[..., Path], tmp_path: Path) -> None:
    repo = estate(base=FROZEN)
    edit(repo, "organisations/providers.yaml", "icb: QHM\nsegment: 2\n", "icb: QHM\nsegment: 3\n")  # OAF003
    (repo / "broken.yaml").write_text("apiVersion: oaf/v1\nkind: [\n", encoding="utf-8")  # OAF000
    edit(repo, "mous/QOQ.yaml", "  - provider: RV9\n", "  - provider: RV9  # oafctl-ignore: OAF005 agreed\n")
    edit(repo, "mous/QHM.yaml", "  - provider: RR7\n", "  - provider: RR7  # oafctl-ignore: OAF003 agreed\n")
    log = sarif(repo)
    assert errors(log) == []
    results = log["runs"][0]["results"]
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert {r["ruleId"] for r in results} == {"OAF000", "OAF003", "OAF021"}
    (waived,) = [r for r in results if r["ruleId"] == "OAF003"]
    assert waived["suppressions"] == [{"kind": "inSource", "status": "accepted", "justification": "agreed"}]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert len(result["partialFingerprints"]["oafctlFingerprint/v1"]) == 16


def test_baselined_findings_are_external_suppressions(estate: Callable[..., Path], tmp_path: Path) -> None:
    repo = estate(base=FROZEN)
    edit(repo, "organisations/providers.yaml", "icb: QHM\nsegment: 2\n", "icb: QHM\nsegment: 3\n")
    baseline = tmp_path / "baseline.json"
    assert run_cli("validate", str(repo), "--write-baseline", str(baseline)).exit_code == 0
    log = sarif(repo, "--baseline", str(baseline))
    assert errors(log) == []
    (result,) = log["runs"][0]["results"]
    assert result["suppressions"][0]["kind"] == "external"


def test_the_schema_check_can_fail() -> None:
    """The validator rejects a log that breaks SARIF (guards against a schema that accepts anything)."""
    log = sarif(FROZEN)
    log["runs"][0]["results"] = [{"ruleId": "OAF001", "level": "fatal", "message": {"text": "x"}}]
    assert any("fatal" in e for e in errors(log))
    del log["version"]
    assert any("'version' is a required property" in e for e in errors(log))


@pytest.mark.parametrize("path", [FROZEN])
def test_byte_stable(path: Path) -> None:
    assert run_cli("validate", str(path), "--format", "sarif").output == \
        run_cli("validate", str(path), "--format", "sarif").output
