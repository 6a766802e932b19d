"""Local policies: `kind: Policy` documents with a CEL assertion, run beside the built-in rules."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import edit, run_cli, validate_json

DIRECTOR = """\
apiVersion: oaf/v1
kind: Policy
id: LOC001
title: Providers in segment 3 or 4 name an improvement director
severity: error
message: is in segment 3 or 4 but names no improvement director
kinds: [Provider]
when: self.segment >= 3
assert: has(self.improvement_director)
cite: North East and Yorkshire regional oversight handbook (illustrative)
"""


def findings(repo: Path, *extra: str) -> tuple[int, list[dict[str, Any]]]:
    code, report = validate_json(repo, *extra, cwd=repo)
    result: list[dict[str, Any]] = report["findings"]
    return code, result


def test_local_policy_reports_where_the_assertion_is_false(estate: Callable[..., Path]) -> None:
    repo = estate({"policies/local.yaml": DIRECTOR})
    code, got = findings(repo)
    assert code == 1
    # minimal: RVW is in segment 3 and RWA in segment 4; neither names a director
    assert [(f["rule"], f["organisations"], f["file"], f["line"]) for f in got] == [
        ("LOC001", ["RVW"], "organisations/providers.yaml", 21),  # each provider's document
        ("LOC001", ["RWA"], "organisations/providers.yaml", 29),
    ]
    assert got[0]["message"] == ("Provider RVW (North Tees and Hartlepool NHS Foundation Trust): is in segment 3 or 4 "
                                 "but names no improvement director")


def test_local_policy_passes_when_it_holds(estate: Callable[..., Path]) -> None:
    repo = estate({"policies/local.yaml": DIRECTOR})
    for code in ("RVW", "RWA"):
        edit(repo, "organisations/providers.yaml", f"code: {code}\n", f"code: {code}\nimprovement_director: Named\n")
    assert findings(repo) == (0, [])


def test_neighbours_are_bound(estate: Callable[..., Path]) -> None:
    """A provider's host ICB and region, an ICB's hosted providers and MOU, an arrangement."""
    policy = """\
        apiVersion: oaf/v1
        kind: Policy
        id: LOC002
        message: neighbours are wrong
        kinds: [Provider, ICB]
        assert: >-
          self.kind == 'Provider'
            ? icb.code == self.icb && region.code == icb.region && arrangement.provider == self.code
              && mou.icb == self.icb && framework == 'sof-2022-23' && as_of == '2024-06-01'
            : size(providers) > 0 && providers.all(c, providers[c].icb == self.code) && mou.icb == self.code
    """
    repo = estate({"policies/local.yaml": policy})
    assert findings(repo) == (0, [])


def test_mou_policy_sees_its_providers(estate: Callable[..., Path]) -> None:
    policy = """\
        apiVersion: oaf/v1
        kind: Policy
        id: LOC003
        severity: warning
        message: has no escalation route for a segment in use
        kinds: [MOU]
        assert: >-
          type(self.escalation) == list && self.arrangements.all(a,
            self.escalation.exists(e, e.segment == providers[a.provider].segment))
    """
    repo = estate({"policies/local.yaml": policy})
    code, got = findings(repo)
    # QHM's MOU has routes for 1, 2, 3; QOQ's for 2 and 4: both complete
    assert (code, got) == (0, [])
    edit(repo, "mous/QOQ.yaml", "  - {segment: 2, route: ICB quarterly review}\n", "")
    code, got = findings(repo)
    assert code == 0  # a warning
    assert [(f["rule"], f["severity"], f["organisations"], f["file"]) for f in got] == [
        ("LOC003", "warning", ["QOQ", "Y63"], "mous/QOQ.yaml")]


def test_rules_setting_applies_to_local_ids(estate: Callable[..., Path]) -> None:
    repo = estate({"policies/local.yaml": DIRECTOR})
    edit(repo, "oaf.yaml", "as_of: 2024-06-01\n", "as_of: 2024-06-01\nrules: {LOC001: off}\n")
    assert findings(repo) == (0, [])


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("id: LOC001", "id: OAF100", "the OAF prefix is reserved for built-in rules"),
        ("id: LOC001", "id: loc-1", "a policy id is 2 to 40 upper-case letters"),
        ("id: LOC001", "id: LOCAL", "ending with a digit"),
        ("kinds: [Provider]", "kinds: [Providers]", "field 'kinds[0]'"),
        ("kinds: [Provider]", "kinds: []", "field 'kinds'"),
    ],
)
def test_bad_policy_documents_are_oaf000(estate: Callable[..., Path], old: str, new: str, message: str) -> None:
    repo = estate({"policies/local.yaml": DIRECTOR.replace(old, new)})
    code, got = findings(repo)
    assert code == 1
    assert [f["rule"] for f in got] == ["OAF000"]
    assert got[0]["file"] == "policies/local.yaml" and message in got[0]["message"]


def test_broken_expression_is_oaf000_at_its_line(estate: Callable[..., Path]) -> None:
    repo = estate({"policies/local.yaml": DIRECTOR.replace("assert: has(self.improvement_director)",
                                                            "assert: has(self.improvement_director) &&")})
    code, got = findings(repo)
    assert code == 1
    [finding] = got
    assert (finding["rule"], finding["file"], finding["line"], finding["column"]) == (
        "OAF000", "policies/local.yaml", 9, 9)
    assert "Policy LOC001: the `assert` expression is not valid CEL" in finding["message"]
    assert "Syntax error" in finding["message"]


def test_broken_when_is_reported_too(estate: Callable[..., Path]) -> None:
    repo = estate({"policies/local.yaml": DIRECTOR.replace("when: self.segment >= 3", "when: self.segment >=")})
    [finding] = findings(repo)[1]
    assert (finding["rule"], finding["line"]) == ("OAF000", 8)
    assert "`when` expression is not valid CEL" in finding["message"]


@pytest.mark.parametrize(
    ("expression", "detail"),
    [
        ("self.improvement_director == 'x'", "no field 'improvement_director'"),
        ("self.segment", "not true or false"),
        ("nosuchfunction(self)", "Undefined variable or function"),
    ],
)
def test_evaluation_errors_are_oaf000_once(estate: Callable[..., Path], expression: str, detail: str) -> None:
    repo = estate({"policies/local.yaml": DIRECTOR.replace("assert: has(self.improvement_director)",
                                                            f'assert: "{expression}"')})
    code, got = findings(repo)
    assert code == 1
    [finding] = got
    assert (finding["rule"], finding["file"], finding["line"]) == ("OAF000", "policies/local.yaml", 9)
    assert finding["message"].startswith("Policy LOC001: the `assert` expression failed on Provider RVW")
    assert detail in finding["message"]


def test_duplicate_policy_ids(estate: Callable[..., Path]) -> None:
    second = DIRECTOR.replace("self.segment >= 3", "self.segment > 0")
    repo = estate({"policies/local.yaml": DIRECTOR + "---\n" + second})
    got = findings(repo)[1]
    dup = [f for f in got if f["rule"] == "OAF000"]
    assert len(dup) == 1 and "already used by the policy at policies/local.yaml:1" in dup[0]["message"]
    assert sorted(f["organisations"][0] for f in got if f["rule"] == "LOC001") == ["RVW", "RWA"]


def test_explain_lists_local_rules(estate: Callable[..., Path]) -> None:
    repo = estate({"policies/local.yaml": DIRECTOR})
    result = run_cli("explain", "--list", cwd=repo)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].startswith("Rules under sof-2022-23: ") and lines[0].endswith(" built-in, 1 local)")
    row = next(i for i, line in enumerate(lines) if line.strip().startswith("LOC001"))
    assert lines[row].split()[:3] == ["LOC001", "local", "error"]
    assert "North East and Yorkshire regional oversight handbook" in lines[row + 1]
    assert "policies/local.yaml:9" in lines[row + 1]
    oaf003 = next(line for line in lines if line.strip().startswith("OAF003"))
    assert oaf003.split()[:3] == ["OAF003", "sof-2022-23", "error"]


def test_explain_list_shows_overrides_and_pack(estate: Callable[..., Path]) -> None:
    repo = estate({"policies/local.yaml": DIRECTOR})
    edit(repo, "oaf.yaml", "as_of: 2024-06-01\n", "as_of: 2024-06-01\nrules: {LOC001: {severity: warning}}\n")
    result = run_cli("explain", "--list", "--framework", "nof-2025-26", cwd=repo)
    lines = result.output.splitlines()
    assert lines[0].startswith("Rules under nof-2025-26")
    assert next(line for line in lines if line.strip().startswith("LOC001")).split()[:3] == [
        "LOC001", "local", "warning"]
    oaf009 = lines[next(i for i, line in enumerate(lines) if line.strip().startswith("OAF009")) + 1]
    assert "1 obligation: the financial override" in oaf009


def test_explain_a_local_rule(estate: Callable[..., Path]) -> None:
    repo = estate({"policies/local.yaml": DIRECTOR})
    result = run_cli("explain", "LOC001", cwd=repo)
    assert result.exit_code == 0
    assert "local policy, policies/local.yaml:9" in result.output
    assert "has(self.improvement_director)" in result.output and "self.segment >= 3" in result.output


def test_explain_repo_must_exist() -> None:
    result = run_cli("explain", "--list", "--repo", "/no/such/folder")
    assert result.exit_code == 2 and "does not exist" in result.output


def test_explain_shows_obligation_sources() -> None:
    result = run_cli("explain", "OAF010", "--framework", "oaf-2024")
    assert result.exit_code == 0
    assert "capability-plan: a plan for known capability challenges at capability 3 and 4 (error)" in result.output
    assert "The self-certification will also require the provider to set out plans" in result.output
    assert "paragraph 22" in result.output


def test_local_findings_fit_the_report_schema(estate: Callable[..., Path]) -> None:
    import json

    import jsonschema
    from conftest import ROOT

    repo = estate({"policies/local.yaml": DIRECTOR})
    _code, report = validate_json(repo, cwd=repo)
    assert {f["rule"] for f in report["findings"]} == {"LOC001"}
    schema = json.loads((ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(report, schema)


def test_only_referenced_variables_are_bound() -> None:
    """The library converts every bound value on each evaluation: an expression reading `self` gets only it."""
    from conftest import MINIMAL

    from oafctl.engine import validate
    from oafctl.policy.local import VARIABLES, _Neighbours

    run = validate(MINIMAL)
    neighbours = _Neighbours(run.estate, run.pack.id)
    provider = run.estate.providers["RVW"]
    assert set(neighbours.variables(provider, frozenset({"self"}))) == {"self"}
    everything = neighbours.variables(provider)
    assert set(everything) == set(VARIABLES)
    assert everything["icb"]["code"] == "QHM" and everything["arrangement"]["provider"] == "RVW"
    assert everything["providers"] == {} and everything["mou"]["id"] == "mou-QHM-2024"


def test_explain_reads_the_current_folder_only_when_it_is_a_repo(estate: Callable[..., Path]) -> None:
    repo = estate({"policies/local.yaml": DIRECTOR})
    inner = repo / "policies"  # holds a policy but no oaf.yaml: not a repo root
    assert "LOC001" not in run_cli("explain", "--list", cwd=inner).output
    assert "LOC001" in run_cli("explain", "--list", "--repo", str(repo), cwd=inner).output


def test_evaluation_error_in_when_points_at_when(estate: Callable[..., Path]) -> None:
    repo = estate({"policies/local.yaml": DIRECTOR.replace("when: self.segment >= 3", "when: self.segment")})
    [finding] = findings(repo)[1]
    assert (finding["rule"], finding["line"]) == ("OAF000", 8)
    assert finding["message"].startswith("Policy LOC001: the `when` expression failed on ")
    assert "`when` gave int" in finding["message"]
