"""OAF004: organisations in a segment that carries the peer-support duty declare an offer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import edit, validate_json
from rulecheck import assert_names, at, example_result, of_rule, value_at, where

from oafctl.engine import validate
from oafctl.rules import Context, rules_by_id

RTD_OFFER = ("peer_support:\n  offer: Theatre productivity and day-case programme, shared with North Tees and "
             "Hartlepool.\n  partners: [RVW]\n")


def test_minimal_has_no_oaf004(estate: Callable[..., Path]) -> None:
    assert of_rule(estate(), "OAF004") == []


def test_segment_1_provider_without_offer(estate: Callable[..., Path]) -> None:
    repo = estate()
    edit(repo, "organisations/providers.yaml", RTD_OFFER, "")
    [finding] = of_rule(repo, "OAF004")
    assert where(finding) == ("organisations/providers.yaml",
                              *value_at(repo, "organisations/providers.yaml", "segment: 1"))
    assert finding["severity"] == "error"
    assert_names(finding, "RTD")
    assert "segment 1" in finding["message"] and "sof-2022-23" in finding["message"]


def test_blank_offer_is_no_offer(estate: Callable[..., Path]) -> None:
    repo = estate()
    edit(repo, "organisations/providers.yaml", RTD_OFFER, "peer_support:\n  offer: '  '\n  partners: [RVW]\n")
    [finding] = of_rule(repo, "OAF004")
    assert where(finding) == ("organisations/providers.yaml",
                              *value_at(repo, "organisations/providers.yaml", "offer: '  '"))
    assert_names(finding, "RTD")


def test_icb_duty_follows_the_pack(estate: Callable[..., Path]) -> None:
    repo = estate()
    edit(repo, "organisations/icbs.yaml",
         "peer_support:\n  offer: Shares its provider collaborative's elective recovery model with other ICBs in "
         "the region.\n  partners: [QOQ]\n", "")
    [finding] = of_rule(repo, "OAF004")
    assert where(finding) == ("organisations/icbs.yaml",
                              *value_at(repo, "organisations/icbs.yaml", "segment: 1"))
    assert_names(finding, "QHM")
    # Under nof-2025-26 ICBs are not segmented, so the duty is not theirs (OAF007 reports the segment).
    assert of_rule(repo, "OAF004", "--framework", "nof-2025-26") == []


def test_severity_lowered_in_oaf_yaml(estate: Callable[..., Path]) -> None:
    repo = estate()
    edit(repo, "organisations/providers.yaml", RTD_OFFER, "")
    with (repo / "oaf.yaml").open("a", encoding="utf-8") as f:
        f.write("rules:\n  OAF004: {severity: warning}\n")
    code, report = validate_json(repo, cwd=repo)
    [finding] = report["findings"]
    assert (finding["rule"], finding["severity"]) == ("OAF004", "warning")
    assert code == 0  # --fail-on error by default
    assert validate_json(repo, "--fail-on", "warning", cwd=repo)[0] == 1
    edit(repo, "oaf.yaml", "OAF004: {severity: warning}", "OAF004: off")  # YAML 1.2: the text off, not false
    assert validate_json(repo, "--fail-on", "info", cwd=repo) == (0, validate_json(repo, cwd=repo)[1])
    assert validate_json(repo, cwd=repo)[1]["findings"] == []


def test_unknown_rule_in_settings_is_reported(estate: Callable[..., Path]) -> None:
    repo = estate()
    with (repo / "oaf.yaml").open("a", encoding="utf-8") as f:
        f.write("rules:\n  OAF04: {severity: warning}\n")
    [finding] = of_rule(repo, "OAF000")
    assert where(finding) == ("oaf.yaml", *at(repo, "oaf.yaml", "OAF04:"))
    assert "did you mean 'OAF004'" in finding["message"]


def test_severity_comes_from_the_pack(estate: Callable[..., Path]) -> None:
    """The pack's duty sets the finding's severity, not the rule's default."""
    repo = estate()
    edit(repo, "organisations/providers.yaml", RTD_OFFER, "")
    run = validate(repo, cwd=repo)
    assert run.pack.peer_support is not None
    rule = rules_by_id()["OAF004"]
    for severity in ("warning", "info", "error"):
        duty = run.pack.peer_support.model_copy(update={"severity": severity})
        pack = run.pack.model_copy(update={"peer_support": duty})
        [finding] = rule.check(Context(estate=run.estate, pack=pack))
        assert finding.severity == severity
    no_duty = run.pack.model_copy(update={"peer_support": None})
    assert list(rule.check(Context(estate=run.estate, pack=no_duty))) == []


def test_rule_example_fails_with_oaf004_only() -> None:
    assert example_result("OAF004") == (1, {"OAF004"})
