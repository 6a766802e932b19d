"""OAF005: each ICB has one MOU in force, with its own region, covering exactly the providers it hosts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import edit
from rulecheck import assert_names, at, example_result, of_rule, value_at, where


def test_minimal_has_no_oaf005(estate: Callable[..., Path]) -> None:
    assert of_rule(estate(), "OAF005") == []


def test_icb_without_mou(estate: Callable[..., Path]) -> None:
    repo = estate(remove=("mous/QOQ.yaml",))
    found = of_rule(repo, "OAF005")
    assert [where(f) for f in found] == [
        ("organisations/icbs.yaml", *value_at(repo, "organisations/icbs.yaml", "code: QOQ")),
        ("organisations/providers.yaml", *value_at(repo, "organisations/providers.yaml", "icb: QOQ\nsegment: 4")),
        ("organisations/providers.yaml", *value_at(repo, "organisations/providers.yaml", "icb: QOQ\nsegment: 2")),
    ]
    assert_names(found[0], "QOQ", "Y63")
    assert "has no MOU in force on 2024-06-01" in found[0]["message"]
    assert_names(found[1], "RWA", "QOQ")
    assert_names(found[2], "RV9", "QOQ")


def test_mou_out_of_force_is_named(estate: Callable[..., Path]) -> None:
    found = of_rule(estate(), "OAF005", "--as-of", "2025-04-01")
    icb = [f for f in found if f["organisations"] == ["QHM", "Y63"]]
    assert len(icb) == 1
    assert "MOU mou-QHM-2024 runs 2024-04-01 to 2025-03-31" in icb[0]["message"]


def test_two_mous_in_force(estate: Callable[..., Path]) -> None:
    second = (estate() / "mous/QOQ.yaml").read_text().replace("id: mou-QOQ-2024", "id: mou-QOQ-2024-bis")
    repo = estate({"mous/QOQ-bis.yaml": second})
    [finding] = of_rule(repo, "OAF005")
    assert where(finding) == ("mous/QOQ.yaml", *value_at(repo, "mous/QOQ.yaml", "id: mou-QOQ-2024"))
    assert_names(finding, "QOQ")
    assert "2 MOUs in force (mou-QOQ-2024-bis, mou-QOQ-2024)" in finding["message"]


def test_mou_with_the_wrong_region(estate: Callable[..., Path]) -> None:
    repo = estate({"organisations/north-west.yaml": "apiVersion: oaf/v1\nkind: Region\ncode: Y62\nname: North West\n"})
    edit(repo, "mous/QOQ.yaml", "region: Y63", "region: Y62")
    [finding] = of_rule(repo, "OAF005")
    assert where(finding) == ("mous/QOQ.yaml", *value_at(repo, "mous/QOQ.yaml", "region: Y62"))
    assert_names(finding, "QOQ", "Y62", "Y63")


def test_hosted_provider_missing_from_the_mou(estate: Callable[..., Path]) -> None:
    repo = estate()
    edit(repo, "mous/QHM.yaml", "  - provider: RR7\n    lead: QHM\n", "")
    [finding] = of_rule(repo, "OAF005")
    # Points at the MOU that lacks it: its `arrangements`.
    assert where(finding) == ("mous/QHM.yaml", *at(repo, "mous/QHM.yaml", "- provider: RTD"))
    assert_names(finding, "RR7", "QHM")
    assert "no arrangement for Provider RR7" in finding["message"]


def test_provider_hosted_by_another_icb(estate: Callable[..., Path]) -> None:
    repo = estate()
    edit(repo, "mous/QOQ.yaml", "  - provider: RV9\n    lead: QOQ\n", "")
    edit(repo, "mous/QHM.yaml", "  - provider: RR7\n    lead: QHM\n",
         "  - provider: RR7\n    lead: QHM\n  - provider: RV9\n    lead: QOQ\n")
    found = of_rule(repo, "OAF005")
    foreign = [f for f in found if f["file"] == "mous/QHM.yaml"]
    assert [where(f) for f in foreign] == [("mous/QHM.yaml", *value_at(repo, "mous/QHM.yaml", "provider: RV9"))]
    assert_names(foreign[0], "RV9", "QHM", "QOQ")
    assert "hosted by ICB QOQ" in foreign[0]["message"]
    # ...and QOQ's own MOU now lacks it.
    missing = [f for f in found if f["file"] == "mous/QOQ.yaml"]
    assert len(missing) == 1 and "RV9" in missing[0]["message"]


def test_rule_example_fails_with_oaf005_only() -> None:
    assert example_result("OAF005") == (1, {"OAF005"})
