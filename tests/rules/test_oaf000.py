"""OAF000 as a rule: documents that break the schema (the bad-input list is in tests/test_bad_input.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import edit
from rulecheck import at, example_result, findings, of_rule, value_at, where


def test_minimal_has_no_oaf000(estate: Callable[..., Path]) -> None:
    assert of_rule(estate(), "OAF000") == []


def test_unknown_field_with_did_you_mean(estate: Callable[..., Path]) -> None:
    repo = estate()
    edit(repo, "organisations/providers.yaml", "icb: QOQ\nsegment: 4\n", "icb: QOQ\nsegment: 4\nsegmnet: 4\n")
    [finding] = of_rule(repo, "OAF000")
    assert where(finding) == ("organisations/providers.yaml", *at(repo, "organisations/providers.yaml", "segmnet"))
    assert finding["message"] == "Provider RWA: unknown field 'segmnet'; did you mean 'segment'?"
    assert "segment" in finding["hint"]


def test_unknown_nested_field(estate: Callable[..., Path]) -> None:
    repo = estate()
    edit(repo, "mous/QHM.yaml", "    lead: QHM\n  - provider: RR7", "    laed: QHM\n  - provider: RR7")
    found = of_rule(repo, "OAF000")
    messages = [f["message"] for f in found]
    assert "MOU mou-QHM-2024: unknown field 'arrangements[0].laed'" not in messages  # the name, not the path
    unknown = [f for f in found if "unknown field 'laed'; did you mean 'lead'?" in f["message"]]
    assert [where(f) for f in unknown] == [("mous/QHM.yaml", *at(repo, "mous/QHM.yaml", "laed"))]
    missing = [f for f in found if "missing the required field 'arrangements[0].lead'" in f["message"]]
    assert len(missing) == 1


def test_missing_field_points_at_the_document(estate: Callable[..., Path]) -> None:
    repo = estate()
    edit(repo, "organisations/providers.yaml", "type: mental-health\n", "")
    [finding] = of_rule(repo, "OAF000")
    line, _ = at(repo, "organisations/providers.yaml", "code: RV9")
    assert where(finding) == ("organisations/providers.yaml", line - 2, 1)  # the document's first key
    assert finding["message"] == "Provider RV9 is missing the required field 'type'"


def test_wrong_type_and_bad_choice(estate: Callable[..., Path]) -> None:
    repo = estate()
    edit(repo, "organisations/providers.yaml", "icb: QOQ\nsegment: 4\n", "icb: QOQ\nsegment: four\n")
    edit(repo, "organisations/providers.yaml", "type: mental-health\n", "type: mental\n")
    found = of_rule(repo, "OAF000")
    assert [where(f) for f in found] == [
        ("organisations/providers.yaml", *value_at(repo, "organisations/providers.yaml", "segment: four")),
        ("organisations/providers.yaml", *value_at(repo, "organisations/providers.yaml", "type: mental\n")),
    ]
    assert "field 'segment' = 'four'" in found[0]["message"]
    assert "field 'type' = 'mental'" in found[1]["message"] and "mental-health" in found[1]["message"]


def test_unknown_kind_and_api_version(estate: Callable[..., Path]) -> None:
    repo = estate({"extra.yaml": "apiVersion: oaf/v1\nkind: Provder\n---\napiVersion: oaf/v2\nkind: Region\n"})
    found = [f for f in findings(repo) if f["file"] == "extra.yaml"]
    assert [(f["rule"], f["line"], f["column"]) for f in found] == [("OAF000", 2, 7), ("OAF000", 4, 13)]
    assert "unknown kind 'Provder'; did you mean 'Provider'?" in found[0]["message"]
    assert "unknown apiVersion 'oaf/v2'" in found[1]["message"]


def test_other_documents_are_still_checked(estate: Callable[..., Path]) -> None:
    repo = estate()
    edit(repo, "organisations/providers.yaml", "icb: QOQ\nsegment: 4\n", "icb: QOQ\nsegmnet: 4\n")
    edit(repo, "mous/QHM.yaml", "review_date: 2024-10-01", "review_date: 2026-10-01")
    rules = {f["rule"] for f in findings(repo)}
    assert rules == {"OAF000", "OAF008"}


def test_rule_example_fails_with_oaf000_only() -> None:
    assert example_result("OAF000") == (1, {"OAF000"})


def test_a_wrong_rule_setting_is_one_finding(estate: Callable[..., Path]) -> None:
    """`rules:` takes `off` or `{severity: ...}`: a bad severity is reported once, not once per union branch."""
    repo = estate()
    with (repo / "oaf.yaml").open("a", encoding="utf-8") as f:
        f.write("rules:\n  OAF004: {severity: warn}\n")
    [finding] = of_rule(repo, "OAF000")
    assert where(finding) == ("oaf.yaml", *value_at(repo, "oaf.yaml", "severity: warn"))
    assert "field 'rules.OAF004.severity' = 'warn'" in finding["message"]
    assert "'warning'" in finding["message"]
