"""OAF001: every ICB and provider has exactly one primary relationship, with the right regional team."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import edit
from rulecheck import assert_names, at, example_result, of_rule, value_at, where

REGION_Y62 = """
apiVersion: oaf/v1
kind: Region
code: Y62
name: North West
"""


def test_minimal_has_no_oaf001(estate: Callable[..., Path]) -> None:
    assert of_rule(estate(), "OAF001") == []


def test_provider_without_primary_relationship(estate: Callable[..., Path]) -> None:
    repo = estate()
    edit(repo, "lines.yaml", "kind: AccountabilityLine\nfrom: RR7\nto: Y63\ntype: primary-relationship\n",
         "kind: AccountabilityLine\nfrom: RR7\nto: Y63\ntype: oversight\n")
    [finding] = of_rule(repo, "OAF001")
    # A finding about something missing points at the organisation that lacks it.
    assert where(finding) == ("organisations/providers.yaml", *value_at(repo, "organisations/providers.yaml",
                                                                        "code: RR7"))
    assert finding["severity"] == "error"
    assert_names(finding, "RR7", "Y63")
    assert "no primary-relationship line" in finding["message"]


def test_icb_without_primary_relationship(estate: Callable[..., Path]) -> None:
    repo = estate()
    edit(repo, "lines.yaml", "from: QOQ\nto: Y63\ntype: primary-relationship\n",
         "from: QOQ\nto: Y63\ntype: statutory\n")
    [finding] = of_rule(repo, "OAF001")
    assert where(finding) == ("organisations/icbs.yaml", *value_at(repo, "organisations/icbs.yaml", "code: QOQ"))
    assert_names(finding, "QOQ", "Y63")


def test_two_primary_relationships(estate: Callable[..., Path]) -> None:
    repo = estate({"organisations/north-west.yaml": REGION_Y62})
    extra = "\n---\napiVersion: oaf/v1\nkind: AccountabilityLine\nfrom: RVW\nto: Y62\ntype: primary-relationship\n"
    (repo / "lines.yaml").write_text((repo / "lines.yaml").read_text() + extra)
    [finding] = of_rule(repo, "OAF001")
    # The second line is the one reported, at its `from`.
    assert where(finding) == ("lines.yaml", *value_at(repo, "lines.yaml", "from: RVW\nto: Y62"))
    assert_names(finding, "RVW", "Y63", "Y62")
    assert "2 primary-relationship lines" in finding["message"]


def test_primary_relationship_with_the_wrong_region(estate: Callable[..., Path]) -> None:
    repo = estate({"organisations/north-west.yaml": REGION_Y62})
    edit(repo, "lines.yaml", "from: RR7\nto: Y63\n", "from: RR7\nto: Y62\n")
    [finding] = of_rule(repo, "OAF001")
    line, _ = at(repo, "lines.yaml", "to: Y62")
    assert where(finding) == ("lines.yaml", line, 5)
    assert_names(finding, "RR7", "Y62", "Y63")
    assert "the region of its host ICB QHM" in finding["message"]
    assert finding["hint"] == "set `to: Y63`"


def test_icb_primary_relationship_with_the_wrong_region(estate: Callable[..., Path]) -> None:
    repo = estate({"organisations/north-west.yaml": REGION_Y62})
    edit(repo, "lines.yaml", "from: QHM\nto: Y63\n", "from: QHM\nto: Y62\n")
    [finding] = of_rule(repo, "OAF001")
    assert where(finding) == ("lines.yaml", *value_at(repo, "lines.yaml", "to: Y62"))
    assert_names(finding, "QHM", "Y62", "Y63")
    assert "its region" in finding["message"]


def test_organisation_closed_on_as_of_needs_no_line(estate: Callable[..., Path]) -> None:
    """Only organisations that exist on as_of are judged."""
    repo = estate()
    edit(repo, "lines.yaml", "from: RR7\nto: Y63\ntype: primary-relationship\n",
         "from: RR7\nto: Y63\ntype: oversight\n")
    edit(repo, "organisations/providers.yaml", "code: RR7\n", "code: RR7\nvalid_to: 2024-03-31\n")
    assert of_rule(repo, "OAF001") == []


def test_rule_example_fails_with_oaf001_only() -> None:
    assert example_result("OAF001") == (1, {"OAF001"})
