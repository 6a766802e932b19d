"""OAF002: no provider is in more than one arrangement in force, and oversight lines agree with it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import edit
from rulecheck import assert_names, at, example_result, of_rule, value_at, where

OVERSIGHT_LINE = """
apiVersion: oaf/v1
kind: AccountabilityLine
from: RR7
to: {to}
type: oversight
"""


def test_minimal_has_no_oaf002(estate: Callable[..., Path]) -> None:
    assert of_rule(estate(), "OAF002") == []


def test_provider_twice_in_one_mou(estate: Callable[..., Path]) -> None:
    repo = estate()
    edit(repo, "mous/QHM.yaml", "  - provider: RR7\n    lead: QHM\n",
         "  - provider: RR7\n    lead: QHM\n  - provider: RR7   # again\n    lead: QHM\n")
    [finding] = of_rule(repo, "OAF002")
    assert where(finding) == ("mous/QHM.yaml", *value_at(repo, "mous/QHM.yaml", "provider: RR7   # again"))
    assert_names(finding, "RR7", "QHM")
    assert "twice in MOU mou-QHM-2024" in finding["message"]


def test_provider_in_two_mous(estate: Callable[..., Path]) -> None:
    repo = estate()
    edit(repo, "mous/QOQ.yaml", "  - provider: RV9\n    lead: QOQ\n",
         "  - provider: RV9\n    lead: QOQ\n  - provider: RR7\n    lead: QOQ\n")
    [finding] = of_rule(repo, "OAF002")
    # mous/QHM.yaml comes first in file order, so the arrangement in mous/QOQ.yaml is the duplicate.
    assert where(finding) == ("mous/QOQ.yaml", *value_at(repo, "mous/QOQ.yaml", "provider: RR7"))
    assert_names(finding, "RR7", "QHM", "QOQ")
    assert "in MOU mou-QHM-2024 and again in MOU mou-QOQ-2024" in finding["message"]


def test_an_mou_not_in_force_does_not_count(estate: Callable[..., Path]) -> None:
    old = (estate() / "mous/QHM.yaml").read_text().replace("mou-QHM-2024", "mou-QHM-2023").replace(
        "effective: 2024-04-01\nexpires: 2025-03-31\nreview_date: 2024-10-01",
        "effective: 2023-04-01\nexpires: 2024-03-31\nreview_date: 2023-10-01")
    repo = estate({"mous/QHM-2023.yaml": old})
    assert of_rule(repo, "OAF002") == []


def test_oversight_line_to_someone_other_than_the_lead(estate: Callable[..., Path]) -> None:
    repo = estate({"oversight.yaml": OVERSIGHT_LINE.format(to="Y63")})
    [finding] = of_rule(repo, "OAF002")
    assert where(finding) == ("oversight.yaml", *value_at(repo, "oversight.yaml", "to: Y63"))
    assert_names(finding, "RR7", "Y63", "QHM")
    assert "MOU mou-QHM-2024 names QHM" in finding["message"]


def test_oversight_line_to_the_lead_is_fine(estate: Callable[..., Path]) -> None:
    repo = estate({"oversight.yaml": OVERSIGHT_LINE.format(to="QHM")})
    assert of_rule(repo, "OAF002") == []


def test_rule_example_fails_with_oaf002_only() -> None:
    assert example_result("OAF002") == (1, {"OAF002"})
    repo = Path(__file__).resolve().parents[2] / "examples" / "rules" / "OAF002"
    assert at(repo, "mou.yaml", "# OAF002")[0] > 0  # the example says what is wrong where it is wrong
