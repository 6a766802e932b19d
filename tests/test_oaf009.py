"""OAF009: the segment constraints of a pack (nof-2025-26's financial override), on the England estate."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import EXAMPLES, edit, validate_json

ENGLAND = EXAMPLES / "england"
QH8 = "icbs/QH8.yaml"
R1L = "icb: QH8\nsegment: 2\ncapability: 3\n"  # R1L, the first trust in QH8's file, in segment 2


def oaf009(repo: Path, *extra: str) -> list[dict[str, object]]:
    _code, report = validate_json(repo, *extra, cwd=repo)
    return [f for f in report["findings"] if f["rule"] == "OAF009"]


def test_deficit_above_segment_3_fails(estate: Callable[..., Path]) -> None:
    repo = estate(base=ENGLAND)
    edit(repo, QH8, R1L, R1L + "financial_deficit: true\n")
    code, report = validate_json(repo, cwd=repo)
    assert code == 1
    [finding] = report["findings"]
    assert finding["rule"] == "OAF009" and finding["organisations"] == ["R1L"]
    lines = (repo / QH8).read_text(encoding="utf-8").splitlines()
    assert (finding["file"], lines[finding["line"] - 1]) == (QH8, "segment: 2")  # points at the segment
    assert "financial_deficit: true" in finding["message"] and "segment 3, 4, 5" in finding["message"]
    assert finding["hint"]


def test_deficit_in_segment_3_passes(estate: Callable[..., Path]) -> None:
    repo = estate(base=ENGLAND)
    edit(repo, QH8, R1L, "icb: QH8\nsegment: 3\ncapability: 3\nfinancial_deficit: true\n")
    edit(repo, "mous/QH8.yaml", "  - provider: R1L\n    lead: Y61\n    support: [QH8]\n    reporting: routine\n",
         "  - provider: R1L\n    lead: Y61\n    support: [QH8]\n    reporting: enhanced\n")
    # the England estate's local policy ENG001 wants an escalation route for every segment in use
    edit(repo, "mous/QH8.yaml", "escalation:\n", "escalation:\n  - {segment: 3, route: Monthly enhanced oversight.}\n")
    code, report = validate_json(repo, cwd=repo)
    assert (code, report["findings"]) == (0, [])


def test_no_deficit_no_constraint(estate: Callable[..., Path]) -> None:
    repo = estate(base=ENGLAND)
    edit(repo, QH8, R1L, R1L + "financial_deficit: false\n")
    assert oaf009(repo) == []


def test_packs_without_the_override_do_not_apply_it(estate: Callable[..., Path]) -> None:
    repo = estate(base=ENGLAND)
    edit(repo, QH8, R1L, R1L + "financial_deficit: true\n")
    assert len(oaf009(repo)) == 1
    assert oaf009(repo, "--framework", "sof-2022-23") == []
    assert oaf009(repo, "--framework", "oaf-2024") == []


def test_severity_can_be_lowered_in_oaf_yaml(estate: Callable[..., Path]) -> None:
    repo = estate(base=ENGLAND)
    edit(repo, QH8, R1L, R1L + "financial_deficit: true\n")
    edit(repo, "oaf.yaml", "as_of: 2025-10-01\n", "as_of: 2025-10-01\nrules: {OAF009: {severity: warning}}\n")
    code, report = validate_json(repo, cwd=repo)
    assert code == 0 and [f["severity"] for f in report["findings"]] == ["warning"]
