"""OAF007: segments within the pack's range, and only on kinds the pack segments."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import edit
from rulecheck import assert_names, example_result, of_rule, value_at, where

NOF = ("--framework", "nof-2025-26")


def test_minimal_has_no_oaf007(estate: Callable[..., Path]) -> None:
    assert of_rule(estate(), "OAF007") == []


def test_segment_out_of_range(estate: Callable[..., Path]) -> None:
    repo = estate()
    edit(repo, "organisations/providers.yaml", "icb: QOQ\nsegment: 4\n", "icb: QOQ\nsegment: 5\n")
    [finding] = of_rule(repo, "OAF007")
    assert where(finding) == ("organisations/providers.yaml",
                              *value_at(repo, "organisations/providers.yaml", "segment: 5"))
    assert_names(finding, "RWA")
    assert "segment 5, outside the segments 1-4 that sof-2022-23 gives providers" in finding["message"]
    # The same segment is in range under the 2025/26 framework (ICB segments aside).
    assert [f for f in of_rule(repo, "OAF007", *NOF) if f["organisations"] == ["RWA"]] == []


def test_icb_segment_out_of_range(estate: Callable[..., Path]) -> None:
    repo = estate()
    edit(repo, "organisations/icbs.yaml", "region: Y63\nsegment: 3\n", "region: Y63\nsegment: 7\n")
    [finding] = of_rule(repo, "OAF007")
    assert where(finding) == ("organisations/icbs.yaml", *value_at(repo, "organisations/icbs.yaml", "segment: 7"))
    assert_names(finding, "QOQ")
    assert "gives ICBs" in finding["message"]


def test_icb_segment_under_nof_2025_26(estate: Callable[..., Path]) -> None:
    repo = estate()
    found = of_rule(repo, "OAF007", *NOF)
    assert [where(f) for f in found] == [
        ("organisations/icbs.yaml", *value_at(repo, "organisations/icbs.yaml", "segment: 1")),
        ("organisations/icbs.yaml", *value_at(repo, "organisations/icbs.yaml", "segment: 3")),
    ]
    assert_names(found[0], "QHM")
    assert "ICBs are not segmented under nof-2025-26" in found[0]["message"]
    assert found[0]["hint"] == "remove `segment`"
    for name in ("segment: 1\n", "segment: 3\n"):
        edit(repo, "organisations/icbs.yaml", "region: Y63\n" + name, "region: Y63\n")
    assert of_rule(repo, "OAF007", *NOF) == []


def test_capability_out_of_range(estate: Callable[..., Path]) -> None:
    repo = estate()
    edit(repo, "organisations/providers.yaml", "icb: QOQ\nsegment: 2\n", "icb: QOQ\nsegment: 2\ncapability: 7\n")
    [finding] = [f for f in of_rule(repo, "OAF007", *NOF) if f["organisations"] == ["RV9"]]
    assert where(finding) == ("organisations/providers.yaml",
                              *value_at(repo, "organisations/providers.yaml", "capability: 7"))
    assert_names(finding, "RV9")
    # sof-2022-23 rates no capability: nothing to check.
    assert of_rule(repo, "OAF007") == []


def test_rule_example_fails_with_oaf007_only() -> None:
    assert example_result("OAF007") == (1, {"OAF007"})
