"""Waivers, both forms (an `oafctl-ignore` comment, a `kind: Waiver` document): valid, expired (OAF020) and
unused (OAF021). Waived findings stay in the report, marked waived with the reason."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, edit, validate_json

FROZEN = ROOT / "tests" / "data" / "pr-estate"

OFFER = """peer_support:
  offer: Theatre productivity and day-case programme, shared with North Tees and Hartlepool.
  partners: [RVW]
"""
PROVIDERS = "organisations/providers.yaml"


@pytest.fixture
def estate(estate: Callable[..., Path]) -> Callable[..., Path]:
    """The shared fixture, started from the frozen copy of the minimal example (stable line numbers)."""

    def make(files: dict[str, str] | None = None) -> Path:
        return estate(files, base=FROZEN)

    return make


def without_offer(estate: Callable[..., Path]) -> Path:
    """The minimal example with one finding: RTD (segment 1) declares no peer-support offer (OAF004)."""
    repo = estate()
    edit(repo, PROVIDERS, OFFER, "")
    return repo


def waiver(expires: str = "2024-09-30", rule: str = "OAF004", target: str = "organisations: [RTD]") -> str:
    return f"""
        apiVersion: oaf/v1
        kind: Waiver
        id: rtd-peer-support
        rule: {rule}
        {target}
        reason: Offer agreed at the March board; recorded next quarter
        approver: Director of Strategy, QHM
        expires: {expires}
        """


def by_rule(report: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for f in report["findings"]:
        out.setdefault(f["rule"], []).append(f)
    return out


# ------------------------------------------------------------------------------------- Waiver documents


def test_document_waiver_waives_the_finding(estate: Callable[..., Path]) -> None:
    repo = without_offer(estate)
    code, report = validate_json(repo)
    assert code == 1 and [f["rule"] for f in report["findings"]] == ["OAF004"]
    (repo / "waivers.yaml").write_text(textwrap.dedent(waiver()).lstrip(), encoding="utf-8")
    code, report = validate_json(repo)
    assert code == 0
    (finding,) = report["findings"]
    assert finding["rule"] == "OAF004" and finding["waived"] is True
    assert finding["waiver_reason"] == "Offer agreed at the March board; recorded next quarter"
    assert report["summary"]["errors"] == 0 and report["summary"]["waived"] == 1


def test_document_waiver_by_fingerprint(estate: Callable[..., Path]) -> None:
    repo = without_offer(estate)
    _, report = validate_json(repo)
    fingerprint = report["findings"][0]["fingerprint"]
    repo = estate({"waivers.yaml": waiver(target=f"fingerprint: {fingerprint}")})
    edit(repo, PROVIDERS, OFFER, "")
    code, report = validate_json(repo)
    assert code == 0 and report["findings"][0]["waived"] is True


def test_expired_document_waiver(estate: Callable[..., Path]) -> None:
    repo = estate({"waivers.yaml": waiver(expires="2024-05-31")})  # as_of is 2024-06-01
    edit(repo, PROVIDERS, OFFER, "")
    code, report = validate_json(repo)
    assert code == 1
    found = by_rule(report)
    assert found["OAF004"][0]["waived"] is False  # an expired waiver waives nothing
    (expired,) = found["OAF020"]
    assert expired["file"].endswith("waivers.yaml") and expired["line"] == 8  # the `expires:` line
    assert "expired on 2024-05-31" in expired["message"]
    assert "OAF021" not in found  # expired is not also reported as unused


def test_unused_document_waiver(estate: Callable[..., Path]) -> None:
    repo = estate({"waivers.yaml": waiver()})  # RTD declares its offer: nothing to waive
    code, report = validate_json(repo)
    (unused,) = report["findings"]
    assert unused["rule"] == "OAF021" and unused["severity"] == "warning"
    assert unused["line"] == 4 and unused["organisations"] == ["RTD"]
    assert code == 0  # a warning does not fail the default --fail-on error
    code, _ = validate_json(repo, "--fail-on", "warning")
    assert code == 1


def test_waiver_must_name_a_finding(estate: Callable[..., Path]) -> None:
    repo = estate({"waivers.yaml": waiver(target="")})
    _, report = validate_json(repo)
    (problem,) = report["findings"]
    assert problem["rule"] == "OAF000"
    assert "names `organisations` or a `fingerprint`" in problem["message"]


def test_waiver_schema_errors(estate: Callable[..., Path]) -> None:
    repo = estate({"waivers.yaml": waiver(expires="next week")})
    _, report = validate_json(repo)
    assert [f["rule"] for f in report["findings"]] == ["OAF000"]
    assert "expires" in report["findings"][0]["message"]


# ------------------------------------------------------------------------------------- inline comments


def test_comment_on_the_line_waives(estate: Callable[..., Path]) -> None:
    repo = without_offer(estate)
    edit(repo, PROVIDERS, "icb: QHM\nsegment: 1\n",
         "icb: QHM\nsegment: 1  # oafctl-ignore: OAF004 offer agreed at the March board\n")
    code, report = validate_json(repo)
    assert code == 0
    (finding,) = report["findings"]
    assert finding["waived"] is True and finding["waiver_reason"] == "offer agreed at the March board"


def test_comment_on_its_own_line_waives_the_next_line(estate: Callable[..., Path]) -> None:
    repo = without_offer(estate)
    edit(repo, PROVIDERS, "icb: QHM\nsegment: 1\n",
         "icb: QHM\n# oafctl-ignore: OAF003,OAF004 until 2024-12-31 interim while the board decides\n\nsegment: 1\n")
    code, report = validate_json(repo)
    assert code == 0
    assert report["findings"][0]["waiver_reason"] == "interim while the board decides"


def test_expired_comment(estate: Callable[..., Path]) -> None:
    repo = without_offer(estate)
    edit(repo, PROVIDERS, "icb: QHM\nsegment: 1\n",
         "icb: QHM\nsegment: 1  # oafctl-ignore: OAF004 until 2024-05-01 offer due in April\n")
    code, report = validate_json(repo)
    assert code == 1
    found = by_rule(report)
    assert found["OAF004"][0]["waived"] is False
    (expired,) = found["OAF020"]
    assert (expired["line"], expired["column"]) == (8, 13)  # where the comment is
    assert "oafctl-ignore comment for OAF004 expired on 2024-05-01" in expired["message"]


def test_unused_comment(estate: Callable[..., Path]) -> None:
    repo = estate()
    edit(repo, PROVIDERS, "icb: QHM\nsegment: 2\n", "icb: QHM\nsegment: 2  # oafctl-ignore: OAF004 not needed\n")
    code, report = validate_json(repo)
    assert code == 0  # OAF021 is a warning
    (unused,) = report["findings"]
    assert unused["rule"] == "OAF021" and unused["line"] == 19
    assert "matches no finding: OAF004 reports nothing on line 19" in unused["message"]


def test_malformed_comments_are_schema_findings(estate: Callable[..., Path]) -> None:
    repo = estate()
    edit(repo, PROVIDERS, "icb: QHM\nsegment: 2\n",
         "icb: QHM  # oafctl-ignore: OAF004\nsegment: 2  # oafctl-ignore: because I said so\n")
    _, report = validate_json(repo)
    messages = [(f["rule"], f["message"]) for f in report["findings"]]
    assert ("OAF000", "oafctl-ignore comment without a reason") in messages
    assert ("OAF000", "malformed oafctl-ignore comment: name the rule IDs first") in messages


def test_waived_findings_show_in_every_format(estate: Callable[..., Path]) -> None:
    from conftest import run_cli

    repo = without_offer(estate)
    edit(repo, PROVIDERS, "icb: QHM\nsegment: 1\n", "icb: QHM\nsegment: 1  # oafctl-ignore: OAF004 agreed\n")
    outputs = {fmt: run_cli("validate", str(repo), "--format", fmt).output
               for fmt in ("text", "github", "junit", "markdown", "sarif")}
    assert "[waived: agreed]" in outputs["text"]
    assert "::notice " in outputs["github"] and "OAF004 (waived)" in outputs["github"]
    assert '<skipped message="waived: agreed"' in outputs["junit"]
    assert "waived (error) | OAF004" in outputs["markdown"]
    assert '"justification": "agreed"' in outputs["sarif"] and '"kind": "inSource"' in outputs["sarif"]
