"""OAF003: each arrangement's lead, and its required support, are the pack's for the provider's segment."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import edit
from rulecheck import assert_names, at, example_result, of_rule, value_at, where

NOF = ("--framework", "nof-2025-26")


def test_minimal_has_no_oaf003(estate: Callable[..., Path]) -> None:
    assert of_rule(estate(), "OAF003") == []


def test_wrong_lead(estate: Callable[..., Path]) -> None:
    repo = estate()
    edit(repo, "mous/QHM.yaml", "  - provider: RR7\n    lead: QHM\n", "  - provider: RR7\n    lead: Y63\n")
    [finding] = of_rule(repo, "OAF003")
    line, column = at(repo, "mous/QHM.yaml", "lead: Y63\n  - provider: RVW")
    assert where(finding) == ("mous/QHM.yaml", line, column + len("lead: "))
    assert_names(finding, "RR7", "QHM", "Y63")
    assert "under sof-2022-23" in finding["message"] and "segment 2" in finding["message"]
    assert finding["hint"] == "set `lead: QHM` in this arrangement"


def test_missing_required_support(estate: Callable[..., Path]) -> None:
    repo = estate()
    edit(repo, "mous/QHM.yaml", "    support: [Y63]       # segment 3: the regional team supports\n", "")
    [finding] = of_rule(repo, "OAF003")
    # No `support` at all: the finding points at the arrangement.
    assert where(finding) == ("mous/QHM.yaml", *at(repo, "mous/QHM.yaml", "provider: RVW"))
    assert_names(finding, "RVW", "Y63")
    assert "needs the regional team Y63" in finding["message"]


def test_support_that_omits_a_required_organisation(estate: Callable[..., Path]) -> None:
    repo = estate()
    edit(repo, "mous/QOQ.yaml", "support: [X24, QOQ]", "support: [QOQ]")
    [finding] = of_rule(repo, "OAF003")
    assert where(finding) == ("mous/QOQ.yaml", *value_at(repo, "mous/QOQ.yaml", "support: [QOQ]"))
    assert_names(finding, "RWA", "X24")


def test_support_may_name_others(estate: Callable[..., Path]) -> None:
    repo = estate()
    edit(repo, "mous/QHM.yaml", "  - provider: RR7\n    lead: QHM\n",
         "  - provider: RR7\n    lead: QHM\n    support: [Y63, X24]\n")
    assert of_rule(repo, "OAF003") == []


@pytest.mark.parametrize(
    ("framework", "segment", "right", "wrong"),
    [
        ("sof-2022-23", 1, "QHM", "Y63"),  # segments 1-2: the host ICB
        ("sof-2022-23", 4, "Y63", "QHM"),  # segment 4: the regional team
        ("nof-2025-26", 2, "Y63", "QHM"),  # segments 1-4: the regional team
        ("nof-2025-26", 5, "X24", "Y63"),  # segment 5: NHS England national
    ],
)
def test_lead_table_of_each_pack(
    estate: Callable[..., Path], framework: str, segment: int, right: str, wrong: str
) -> None:
    """The same arrangement is right under one edition and wrong under the other: the pack decides."""
    repo = estate()
    edit(repo, "organisations/providers.yaml", "icb: QHM\nsegment: 2\n", f"icb: QHM\nsegment: {segment}\n"
         + ("peer_support: {offer: Shares its theatre programme}\n" if segment == 1 else ""))
    support = {("sof-2022-23", 4): "[X24]", ("nof-2025-26", 5): "[Y63]"}.get((framework, segment), "[]")
    for lead, expected in ((right, 0), (wrong, 1)):
        text = (repo / "mous/QHM.yaml").read_text()
        start = text.index("  - provider: RR7\n")
        end = text.index("  - provider: RVW\n")
        text = text[:start] + f"  - provider: RR7\n    lead: {lead}\n    support: {support}\n" + text[end:]
        (repo / "mous/QHM.yaml").write_text(text)
        found = [f for f in of_rule(repo, "OAF003", "--framework", framework) if "RR7" in f["organisations"]]
        assert len(found) == expected, (lead, found)
        if found:
            assert found[0]["line"] == at(repo, "mous/QHM.yaml", f"lead: {lead}\n    support: {support}")[0]
            assert_names(found[0], "RR7", right, wrong)
            assert f"under {framework}" in found[0]["message"]


def test_nof_segment_5_needs_the_region_in_support(estate: Callable[..., Path]) -> None:
    repo = estate()
    edit(repo, "organisations/providers.yaml", "icb: QOQ\nsegment: 4\n", "icb: QOQ\nsegment: 5\n")
    edit(repo, "mous/QOQ.yaml", "support: [X24, QOQ]", "support: [QOQ]")
    edit(repo, "mous/QOQ.yaml", "    lead: Y63 ", "    lead: X24 ")
    found = [f for f in of_rule(repo, "OAF003", *NOF) if "RWA" in f["organisations"]]
    [finding] = found
    assert where(finding) == ("mous/QOQ.yaml", *value_at(repo, "mous/QOQ.yaml", "support: [QOQ]"))
    assert_names(finding, "RWA", "Y63")
    assert "nof-2025-26" in finding["message"]


def test_mou_not_in_force_is_not_judged(estate: Callable[..., Path]) -> None:
    repo = estate()
    edit(repo, "mous/QHM.yaml", "  - provider: RR7\n    lead: QHM\n", "  - provider: RR7\n    lead: Y63\n")
    assert of_rule(repo, "OAF003", "--as-of", "2025-03-31") != []
    assert of_rule(repo, "OAF003", "--as-of", "2025-04-01") == []


def test_rule_example_fails_with_oaf003_only() -> None:
    assert example_result("OAF003") == (1, {"OAF003"})
