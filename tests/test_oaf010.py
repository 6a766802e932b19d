"""OAF010: the obligations a pack attaches to segments (plans, reporting, ratings)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from conftest import EXAMPLES, edit, validate_json

ENGLAND = EXAMPLES / "england"
RATED = EXAMPLES.parent / "policies" / "tests" / "estates" / "rated"
PLAN = "improvement_plan:\n  title: Improvement plan 2025/26\n  agreed: 2025-06-30\n  review: 2026-03-31\n"
REF_ARRANGEMENT = "  - provider: REF\n    lead: Y58\n    support: [QT6]\n    reporting: enhanced\n"


def findings(repo: Path, *extra: str) -> list[dict[str, Any]]:
    _code, report = validate_json(repo, *extra, cwd=repo)
    result: list[dict[str, Any]] = report["findings"]
    return result


def line_of(repo: Path, finding: dict[str, Any]) -> str:
    return (repo / finding["file"]).read_text(encoding="utf-8").splitlines()[finding["line"] - 1]


def test_segment_4_needs_an_improvement_plan(estate: Callable[..., Path]) -> None:
    repo = estate(base=ENGLAND)
    edit(repo, "icbs/QT6.yaml", PLAN, "")  # RJ8, segment 4
    [finding] = findings(repo)
    assert (finding["rule"], finding["organisations"], finding["file"]) == ("OAF010", ["RJ8"], "icbs/QT6.yaml")
    assert line_of(repo, finding) == "segment: 4"
    assert "improvement_plan" in finding["message"] and "segments 4 and 5" in finding["message"]


def test_segment_3_needs_enhanced_reporting(estate: Callable[..., Path]) -> None:
    repo = estate(base=ENGLAND)
    edit(repo, "mous/QT6.yaml", REF_ARRANGEMENT, REF_ARRANGEMENT.replace("enhanced", "routine"))
    [finding] = findings(repo)
    assert (finding["rule"], finding["organisations"], finding["file"]) == ("OAF010", ["REF"], "mous/QT6.yaml")
    assert line_of(repo, finding) == "    reporting: routine"
    # intensive reporting is more than enhanced: it meets the obligation
    edit(repo, "mous/QT6.yaml", "    reporting: routine\n", "    reporting: intensive\n")
    assert findings(repo) == []


def test_missing_reporting_points_at_the_arrangement(estate: Callable[..., Path]) -> None:
    repo = estate(base=ENGLAND)
    edit(repo, "mous/QT6.yaml", REF_ARRANGEMENT, REF_ARRANGEMENT.replace("    reporting: enhanced\n", ""))
    [finding] = findings(repo)
    assert line_of(repo, finding) == "  - provider: REF"


def test_oaf2024_capability_ratings_and_plans(estate: Callable[..., Path]) -> None:
    repo = estate(base=RATED)
    assert findings(repo) == []
    edit(repo, "organisations/providers.yaml", "capability: 2\n---\napiVersion: oaf/v1\nkind: Provider\ncode: RWA",
         "---\napiVersion: oaf/v1\nkind: Provider\ncode: RWA")  # RVW loses its rating
    edit(repo, "organisations/providers.yaml",
         "improvement_plan: {title: Urgent and emergency care improvement plan, agreed: 2024-05-15}\n", "")
    got = sorted((f["organisations"][0], f["severity"], f["message"].split(" under ")[0]) for f in findings(repo))
    assert got == [
        ("RVW", "error", "Provider RVW (North Tees and Hartlepool NHS Foundation Trust) must have `capability`"),
        ("RWA", "error", "Provider RWA (Hull University Teaching Hospitals NHS Trust) rated capability 3, must "
                         "have `improvement_plan`"),
    ]


def test_oaf2024_additional_reporting_is_a_warning(estate: Callable[..., Path]) -> None:
    repo = estate(base=RATED)
    edit(repo, "mous/QHM.yaml", "    reporting: enhanced  # oaf-2024: additional reporting at segments 3-4\n", "")
    code, report = validate_json(repo, cwd=repo)
    assert code == 0
    [finding] = report["findings"]
    assert (finding["rule"], finding["severity"], finding["organisations"]) == ("OAF010", "warning", ["RVW"])


def test_sof_has_no_obligations(estate: Callable[..., Path]) -> None:
    repo = estate(base=RATED)
    edit(repo, "mous/QHM.yaml", "    reporting: enhanced  # oaf-2024: additional reporting at segments 3-4\n", "")
    assert [f for f in findings(repo, "--framework", "sof-2022-23") if f["rule"] == "OAF010"] == []
