"""OAF006: every code referenced exists, is of the right kind and exists on as_of; codes are unique."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import edit
from rulecheck import assert_names, at, example_result, of_rule, value_at, where

SECOND_RR7 = """
apiVersion: oaf/v1
kind: Provider
code: RR7
name: Gateshead Health NHS Foundation Trust (copy)
type: acute
icb: QHM
segment: 2
"""


def test_minimal_has_no_oaf006(estate: Callable[..., Path]) -> None:
    assert of_rule(estate(), "OAF006") == []


def test_unknown_code_with_did_you_mean(estate: Callable[..., Path]) -> None:
    repo = estate()
    edit(repo, "mous/QHM.yaml", "support: [Y63]", "support: [Y36]")
    [finding] = of_rule(repo, "OAF006")
    assert where(finding) == ("mous/QHM.yaml", *at(repo, "mous/QHM.yaml", "Y36]"))
    assert_names(finding, "Y36")
    assert "no organisation has that code; did you mean 'Y63'?" in finding["message"]
    assert "arrangements.2.support.0" in finding["message"]


def test_unknown_host_icb(estate: Callable[..., Path]) -> None:
    repo = estate()
    edit(repo, "organisations/providers.yaml", "icb: QOQ\nsegment: 2\n", "icb: QOX9\nsegment: 2\n")
    [finding] = [f for f in of_rule(repo, "OAF006") if f["organisations"] == ["QOX9"]]
    assert where(finding) == ("organisations/providers.yaml",
                              *value_at(repo, "organisations/providers.yaml", "icb: QOX9"))
    assert "Provider RV9 refers to QOX9 in 'icb'" in finding["message"]


def test_reference_of_the_wrong_kind(estate: Callable[..., Path]) -> None:
    repo = estate()
    edit(repo, "mous/QOQ.yaml", "region: Y63", "region: QHM")
    [finding] = of_rule(repo, "OAF006")
    assert where(finding) == ("mous/QOQ.yaml", *value_at(repo, "mous/QOQ.yaml", "region: QHM"))
    assert_names(finding, "QHM")
    assert "needs a Region, but QHM is a ICB" in finding["message"]


def test_duplicate_code(estate: Callable[..., Path]) -> None:
    repo = estate({"organisations/zz-more.yaml": SECOND_RR7})
    [finding] = of_rule(repo, "OAF006")
    # The later declaration (in sorted file order) is reported, naming where the first one is.
    assert where(finding) == ("organisations/zz-more.yaml",
                              *value_at(repo, "organisations/zz-more.yaml", "code: RR7"))
    assert_names(finding, "RR7")
    assert "declared twice" in finding["message"] and "organisations/providers.yaml:" in finding["message"]


def test_duplicate_mou_id(estate: Callable[..., Path]) -> None:
    repo = estate()
    edit(repo, "mous/QOQ.yaml", "id: mou-QOQ-2024", "id: mou-QHM-2024")
    [finding] = of_rule(repo, "OAF006")
    assert where(finding) == ("mous/QOQ.yaml", *value_at(repo, "mous/QOQ.yaml", "id: mou-QHM-2024"))
    assert_names(finding, "QOQ", "QHM")
    assert "MOU id mou-QHM-2024 of ICB QOQ" in finding["message"]
    assert "is used twice (also at mous/QHM.yaml:2, the MOU of ICB QHM)" in finding["message"]


def test_reference_to_an_organisation_closed_on_as_of(estate: Callable[..., Path]) -> None:
    repo = estate()
    # Illustrative: RR7 closes on 31 March 2024 and RTD takes over, but QHM's MOU in force still names RR7.
    edit(repo, "organisations/providers.yaml", "code: RR7\n", "code: RR7\nvalid_to: 2024-03-31\nsuccessor: RTD\n")
    [finding] = of_rule(repo, "OAF006")
    assert where(finding) == ("mous/QHM.yaml", *value_at(repo, "mous/QHM.yaml", "provider: RR7"))
    assert_names(finding, "RR7", "RTD")
    assert "ended on 2024-03-31, so it does not exist on 2024-06-01; its successor is RTD" in finding["message"]
    assert finding["hint"] == "name RTD"
    # Before it closed, the same reference is fine (the MOU is in force from 2024-04-01: judge on 2024-03-31
    # with an MOU that starts earlier).
    edit(repo, "organisations/providers.yaml", "valid_to: 2024-03-31", "valid_to: 2024-12-31")
    assert of_rule(repo, "OAF006") == []


def test_reference_to_an_organisation_that_does_not_exist_yet(estate: Callable[..., Path]) -> None:
    repo = estate()
    edit(repo, "organisations/providers.yaml", "code: RR7\n", "code: RR7\nvalid_from: 2024-09-01\n")
    [finding] = of_rule(repo, "OAF006")
    assert where(finding) == ("mous/QHM.yaml", *value_at(repo, "mous/QHM.yaml", "provider: RR7"))
    assert "begins on 2024-09-01" in finding["message"]


def test_documents_not_in_force_may_name_closed_organisations(estate: Callable[..., Path]) -> None:
    repo = estate()
    edit(repo, "organisations/providers.yaml", "code: RR7\n", "code: RR7\nvalid_to: 2024-03-31\n")
    edit(repo, "mous/QHM.yaml", "  - provider: RR7\n    lead: QHM\n", "")
    # RR7's own primary-relationship line is not in force either: no finding about it.
    assert of_rule(repo, "OAF006") == []


def test_reference_to_a_document_that_failed_the_schema_is_not_reported_twice(
    estate: Callable[..., Path],
) -> None:
    repo = estate()
    edit(repo, "organisations/providers.yaml", "code: RR7\nname: Gateshead Health NHS Foundation Trust\ntype: acute\n",
         "code: RR7\nname: Gateshead Health NHS Foundation Trust\ntype: hospital\n")
    assert of_rule(repo, "OAF006") == []
    assert [f["organisations"] for f in of_rule(repo, "OAF000")] == [[]]


def test_rule_example_fails_with_oaf006_only() -> None:
    assert example_result("OAF006") == (1, {"OAF006"})
