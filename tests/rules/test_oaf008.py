"""OAF008: an MOU takes effect before it expires, and its review falls within its period."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import edit
from rulecheck import assert_names, example_result, of_rule, value_at, where


def test_minimal_has_no_oaf008(estate: Callable[..., Path]) -> None:
    assert of_rule(estate(), "OAF008") == []


@pytest.mark.parametrize("expires", ["2024-03-31", "2024-04-01"])
def test_expires_not_after_effective(estate: Callable[..., Path], expires: str) -> None:
    repo = estate()
    edit(repo, "mous/QOQ.yaml", "expires: 2025-03-31", f"expires: {expires}")
    [finding] = of_rule(repo, "OAF008")
    assert where(finding) == ("mous/QOQ.yaml", *value_at(repo, "mous/QOQ.yaml", f"expires: {expires}"))
    assert_names(finding, "QOQ", "Y63")
    assert f"expires on {expires}, not after it takes effect on 2024-04-01" in finding["message"]
    assert "mou-QOQ-2024" in finding["message"]


def test_review_date_outside_the_period(estate: Callable[..., Path]) -> None:
    repo = estate()
    edit(repo, "mous/QHM.yaml", "review_date: 2024-10-01", "review_date: 2025-10-01")
    [finding] = of_rule(repo, "OAF008")
    assert where(finding) == ("mous/QHM.yaml", *value_at(repo, "mous/QHM.yaml", "review_date: 2025-10-01"))
    assert_names(finding, "QHM", "Y63")
    assert "outside its period 2024-04-01 to 2025-03-31" in finding["message"]


def test_review_on_the_last_day_is_within(estate: Callable[..., Path]) -> None:
    repo = estate()
    edit(repo, "mous/QHM.yaml", "review_date: 2024-10-01", "review_date: 2025-03-31")
    assert of_rule(repo, "OAF008") == []


def test_in_force_is_judged_on_as_of(estate: Callable[..., Path]) -> None:
    """effective <= as_of <= expires, both days included."""
    repo = estate()
    for day, in_force in (("2024-03-31", False), ("2024-04-01", True), ("2025-03-31", True), ("2025-04-01", False)):
        missing = [f for f in of_rule(repo, "OAF005", "--as-of", day) if "has no MOU in force" in f["message"]]
        assert (missing == []) is in_force, day


def test_rule_example_fails_with_oaf008_only() -> None:
    assert example_result("OAF008") == (1, {"OAF008"})
