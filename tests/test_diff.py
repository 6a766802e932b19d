"""`oafctl diff`: a real Git repo in a temporary folder, two commits of a copy of the minimal example, and
each kind of change the diff must find, including findings introduced and resolved."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, run_cli
from tests_support_git import commit_all, git

ESTATE = ROOT / "tests" / "data" / "pr-estate"
GOLDEN = ROOT / "tests" / "golden"
pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def commit(repo: Path, message: str) -> str:
    return commit_all(repo, message)


def change(repo: Path, name: str, old: str, new: str) -> None:
    path = repo / "gov" / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def append(repo: Path, name: str, text: str) -> None:
    path = repo / "gov" / name
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


RTD_OFFER = """peer_support:
  offer: Theatre productivity and day-case programme, shared with North Tees and Hartlepool.
  partners: [RVW]
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A Git repo whose folder gov/ holds the estate; the base commit has one finding (RTD, in segment 1,
    declares no peer-support offer: OAF004)."""
    root = tmp_path / "governance"
    root.mkdir()
    git(root, "init", "-q")
    shutil.copytree(ESTATE, root / "gov")
    change(root, "organisations/providers.yaml", RTD_OFFER, "")
    commit(root, "base")
    git(root, "tag", "base")
    return root


def make_head(repo: Path) -> None:
    """Every kind of change at once (the golden file's scenario)."""
    change(repo, "organisations/providers.yaml", "segment: 1\n", "segment: 1\n" + RTD_OFFER)  # resolves OAF004
    change(repo, "organisations/providers.yaml", "icb: QHM\nsegment: 2\n", "icb: QHM\nsegment: 3\n")  # RR7 2 -> 3
    change(repo, "organisations/providers.yaml", "name: Humber Teaching NHS Foundation Trust",
           "name: Humber Teaching NHS FT")
    append(repo, "organisations/providers.yaml", """---
apiVersion: oaf/v1
kind: Provider
code: RXP
name: County Durham and Darlington NHS Foundation Trust
type: acute
icb: QHM
segment: 2
""")
    append(repo, "lines.yaml", """---
apiVersion: oaf/v1
kind: AccountabilityLine
from: RXP
to: Y63
type: primary-relationship
""")
    change(repo, "mous/QHM.yaml", "  - provider: RR7\n    lead: QHM\n",
           "  - provider: RR7\n    lead: QHM\n  - provider: RXP\n    lead: QHM\n")
    change(repo, "mous/QHM.yaml", "review_date: 2024-10-01", "review_date: 2024-11-01")
    change(repo, "mous/QOQ.yaml", "support: [X24, QOQ]", "support: [X24]")
    change(repo, "mous/QOQ.yaml", "  - {name: Regional Director, role: Regional Director, organisation: Y63}\n",
           "  - {name: Regional Director, role: Regional Director, organisation: Y63}\n"
           "  - {name: Director of Nursing, role: Director of Nursing, organisation: QOQ}\n")
    change(repo, "mous/QOQ.yaml", "Fortnightly oversight meeting", "Monthly oversight meeting")


def diff(repo: Path, *args: str) -> tuple[int, str]:
    result = run_cli("diff", *args, "--path", "gov", cwd=repo)
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def diff_json(repo: Path, *args: str) -> dict:  # type: ignore[type-arg]
    code, out = diff(repo, *args, "--format", "json")
    assert code == 0, out
    return json.loads(out)  # type: ignore[no-any-return]


def texts(report: dict, section: str) -> list[str]:  # type: ignore[type-arg]
    return [c["text"] for c in report["changes"] if c["section"] == section]


def test_each_kind_of_change_between_two_commits(repo: Path) -> None:
    make_head(repo)
    commit(repo, "head")
    report = diff_json(repo, "base", "HEAD")
    assert report["base"]["revision"] == "base" and report["head"]["revision"] == "HEAD"
    assert len(report["head"]["commit"]) == 40
    assert "RR7 moves from segment 2 to 3; its lead stays QHM but Y63 must now be named as support " \
        "(MOU mou-QHM-2024 does not say so yet)" in texts(report, "segments")
    orgs = texts(report, "organisations")
    assert "Provider RXP (County Durham and Darlington NHS Foundation Trust) is added, hosted by QHM, in segment 2" \
        in orgs
    assert "RV9 is renamed from “Humber Teaching NHS Foundation Trust” to “Humber Teaching NHS FT”" in orgs
    assert "RTD now declares a peer-support offer" in orgs
    assert "RWA: QOQ no longer supports" in texts(report, "arrangements")
    assert "RXP is now overseen under MOU mou-QHM-2024: lead QHM, no support" in texts(report, "arrangements")
    mous = texts(report, "mous")
    assert "MOU mou-QHM-2024 gains one arrangement (RXP, lead QHM)" in mous
    assert "MOU mou-QHM-2024 is now due for review on 2024-11-01 (was 2024-10-01)" in mous
    assert "MOU mou-QOQ-2024 gains a signatory: Director of Nursing, Director of Nursing (QOQ)" in mous
    assert "MOU mou-QOQ-2024 changes the text of `ways_of_working`" in mous
    assert "MOU mou-QOQ-2024 changes its arrangement for RWA (`support`)" in mous
    assert texts(report, "lines") == ["RXP → Y63 (primary-relationship) is added"]
    introduced = [(f["rule"], f["organisations"]) for f in report["findings"]["introduced"]]
    resolved = [(f["rule"], f["organisations"]) for f in report["findings"]["resolved"]]
    assert ("OAF003", ["RR7", "Y63"]) in introduced
    assert resolved == [("OAF004", ["RTD"])]


def test_removals(repo: Path) -> None:
    """Removing a provider: organisation, accountability line and MOU arrangement removed."""
    providers = repo / "gov" / "organisations" / "providers.yaml"
    text = providers.read_text(encoding="utf-8")
    start = text.index("---\napiVersion: oaf/v1\nkind: Provider\ncode: RV9")
    providers.write_text(text[:start], encoding="utf-8")
    change(repo, "lines.yaml", "---\napiVersion: oaf/v1\nkind: AccountabilityLine\nfrom: RV9\nto: Y63\n"
                               "type: primary-relationship\n", "")
    change(repo, "mous/QOQ.yaml", "  - provider: RV9\n    lead: QOQ\n", "")
    report = diff_json(repo, "base")  # HEAD defaults to the working tree
    assert report["head"]["revision"] == "working tree" and report["head"]["commit"] is None
    assert texts(report, "organisations") == ["Provider RV9 (Humber Teaching NHS Foundation Trust) is removed"]
    assert texts(report, "lines") == ["RV9 → Y63 (primary-relationship) is removed"]
    assert "MOU mou-QOQ-2024 loses one arrangement (RV9)" in texts(report, "mous")
    assert texts(report, "arrangements") == ["RV9 no longer has an oversight arrangement in an MOU in force "
                                             "(it was led by QOQ under MOU mou-QOQ-2024)"]
    assert report["findings"]["introduced"] == []


def test_lead_change_and_segment_4_move(repo: Path) -> None:
    """RVW moves from 3 to 4: the region now leads with NHS England national in support; the MOU follows."""
    change(repo, "organisations/providers.yaml", "icb: QHM\nsegment: 3\n", "icb: QHM\nsegment: 4\n")
    change(repo, "mous/QHM.yaml", "    lead: QHM\n    support: [Y63]", "    lead: Y63\n    support: [X24]")
    report = diff_json(repo, "base")
    assert texts(report, "segments") == [
        "RVW moves from segment 3 to 4; its lead changes from QHM to Y63, and X24 must now be named as support "
        "(MOU mou-QHM-2024 already says so)"]
    assert texts(report, "arrangements") == ["RVW: its lead changes from QHM to Y63; X24 now supports; "
                                             "Y63 no longer supports"]
    assert report["findings"]["introduced"] == []


def test_mou_added_and_removed_and_framework_date(repo: Path) -> None:
    (repo / "gov" / "mous" / "QOQ.yaml").rename(repo / "gov" / "mous" / "QOQ-2025.yaml")
    change(repo, "mous/QOQ-2025.yaml", "id: mou-QOQ-2024", "id: mou-QOQ-2025")
    change(repo, "oaf.yaml", "as_of: 2024-06-01", "as_of: 2024-07-01")
    report = diff_json(repo, "base")
    mous = texts(report, "mous")
    assert "MOU mou-QOQ-2025 is added: ICB QOQ with region Y63, 2024-04-01 to 2025-03-31, signed, two arrangements" \
        in mous
    assert "MOU mou-QOQ-2024 is removed" in mous
    assert texts(report, "settings") == ["the estate is judged as of 2024-07-01 instead of 2024-06-01"]
    assert [c["text"] for c in report["changes"] if c["section"] == "arrangements"] == [
        "RV9: it moves from MOU mou-QOQ-2024 to mou-QOQ-2025", "RWA: it moves from MOU mou-QOQ-2024 to mou-QOQ-2025"]


def test_no_change_and_same_pipeline_as_validate(repo: Path) -> None:
    report = diff_json(repo, "base")
    assert report["changes"] == [] and all(v == [] for v in report["findings"].values())
    result = run_cli("validate", "gov", "--format", "json", cwd=repo)
    validated = json.loads(result.output)
    assert report["head"]["findings"] == report["base"]["findings"] == validated["summary"]["errors"] == 1


def test_fail_on_new(repo: Path) -> None:
    change(repo, "organisations/providers.yaml", "icb: QHM\nsegment: 2\n", "icb: QHM\nsegment: 3\n")
    code, _ = diff(repo, "base")
    assert code == 0  # without the flag the diff only reports
    code, out = diff(repo, "base", "--fail-on-new")
    assert code == 1, out
    assert "OAF003" in out
    # the finding that was already there (OAF004) does not fail the run once the new one is fixed
    change(repo, "mous/QHM.yaml", "  - provider: RR7\n    lead: QHM\n", "  - provider: RR7\n    lead: QHM\n"
                                                                        "    support: [Y63]\n")
    code, out = diff(repo, "base", "--fail-on-new")
    assert code == 0, out


def test_markdown_golden_and_byte_stable(repo: Path) -> None:
    make_head(repo)
    commit(repo, "head")
    first = diff(repo, "base", "HEAD", "--format", "markdown")
    second = diff(repo, "base", "HEAD", "--format", "markdown")
    assert first == second
    assert first[0] == 0
    golden = GOLDEN / "diff.md"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(first[1], encoding="utf-8")
    assert first[1] == golden.read_text(encoding="utf-8"), "run with UPDATE_GOLDEN=1 to accept the new output"
    assert diff(repo, "base", "HEAD", "--format", "json") == diff(repo, "base", "HEAD", "--format", "json")


def test_text_output(repo: Path) -> None:
    make_head(repo)
    code, out = diff(repo, "base")
    assert code == 0
    assert "oafctl diff base → working tree" in out
    assert "RR7 moves from segment 2 to 3" in out
    assert "Findings introduced" in out and "Findings resolved (1)" in out
    assert "\x1b[" not in out


def test_revision_files_go_through_the_same_loader(repo: Path) -> None:
    """Excludes, hidden folders and broken YAML in a revision behave as on disk."""
    change(repo, "oaf.yaml", "as_of: 2024-06-01", "as_of: 2024-06-01\nexclude: [vendor/**]")
    (repo / "gov" / "vendor").mkdir()
    (repo / "gov" / "vendor" / "other.yaml").write_text("not: oafctl\n", encoding="utf-8")
    (repo / "gov" / ".hidden").mkdir()
    (repo / "gov" / ".hidden" / "x.yaml").write_text("{broken", encoding="utf-8")
    (repo / "gov" / "bad.yaml").write_text("key: [unclosed\n", encoding="utf-8")
    commit(repo, "with extras")
    report = diff_json(repo, "base", "HEAD")
    introduced = report["findings"]["introduced"]
    assert [(f["rule"], f["file"]) for f in introduced] == [("OAF000", "gov/bad.yaml")]
    assert report["head"]["files"] == report["base"]["files"] + 1


@pytest.mark.parametrize("revision", ["no-such-ref", "--output=/tmp/x", "base..HEAD"])
def test_bad_revisions_are_usage_errors(repo: Path, revision: str) -> None:
    result = run_cli("diff", "--path", "gov", "--", revision, cwd=repo)
    assert result.exit_code == 2, result.output
    assert result.output.startswith("oafctl: error: ")
    assert result.output.count("\n") == 1


def test_not_a_git_repo(tmp_path: Path) -> None:
    shutil.copytree(ESTATE, tmp_path / "plain")
    result = run_cli("diff", "HEAD", "--path", str(tmp_path / "plain"))
    assert result.exit_code == 2
    assert "not a git repository" in result.output.lower()


def test_fsmonitor_configured_in_the_repo_does_not_run(repo: Path, tmp_path: Path) -> None:
    """Reading revisions must not execute programs a (hostile) repo configures."""
    marker = tmp_path / "ran"
    hook = tmp_path / "monitor.sh"
    hook.write_text(f"#!/bin/sh\ntouch {marker}\n", encoding="utf-8")
    hook.chmod(0o755)
    git(repo, "config", "core.fsmonitor", str(hook))
    git(repo, "status", "--short")  # git itself runs it here, proving the hook works
    assert marker.exists()
    marker.unlink()
    code, _ = diff(repo, "base")
    assert code == 0
    assert not marker.exists()


def test_waivers_and_rule_settings_changed_by_the_pr(repo: Path) -> None:
    """A PR that accepts a finding or switches a rule off says so as plainly as one that fixes it."""
    change(repo, "organisations/providers.yaml", "icb: QHM\nsegment: 1\n",
           "icb: QHM\nsegment: 1  # oafctl-ignore: OAF004 offer agreed in March\n")
    (repo / "gov" / "waivers.yaml").write_text("""apiVersion: oaf/v1
kind: Waiver
rule: OAF005
organisations: [QOQ]
reason: MOU being re-signed
approver: Director of Strategy, QOQ
expires: 2024-09-30
""", encoding="utf-8")
    change(repo, "oaf.yaml", "as_of: 2024-06-01",
           "as_of: 2024-06-01\nrules:\n  OAF002: off\n  OAF004: {severity: warning}")
    report = diff_json(repo, "base")
    assert texts(report, "settings") == ["OAF002 is switched off", "OAF004 now reports at severity warning"]
    assert texts(report, "waivers") == [
        "added: oafctl-ignore comment for OAF004 in gov/organisations/providers.yaml: offer agreed in March",
        "added: waiver for OAF005 of QOQ until 2024-09-30, approved by Director of Strategy, QOQ: MOU being re-signed"]
    (waived,) = report["findings"]["waived"]
    assert waived["rule"] == "OAF004" and waived["waiver_reason"] == "offer agreed in March"
    assert report["findings"]["resolved"] == [] and report["findings"]["introduced"][0]["rule"] == "OAF021"
    # the reverse change: the waiver goes, the finding counts again and fails --fail-on-new
    commit(repo, "waive")
    git(repo, "tag", "waived")
    change(repo, "organisations/providers.yaml", "  # oafctl-ignore: OAF004 offer agreed in March", "")
    change(repo, "oaf.yaml", "  OAF004: {severity: warning}", "")
    code, out = diff(repo, "waived", "--fail-on-new", "--format", "markdown")
    assert code == 1
    assert "### Findings no longer waived (1)" in out
    assert "- removed: oafctl-ignore comment for OAF004" in out


def test_links_and_large_files_in_a_revision(repo: Path, tmp_path: Path) -> None:
    """A link inside the folder is followed, one leaving it is reported; a file over the size limit is not read:
    the same findings as `validate` gives on the working tree, so nothing shows as introduced or resolved."""
    outside = tmp_path / "outside.yaml"
    outside.write_text("apiVersion: oaf/v1\nkind: Region\ncode: Y99\nname: Elsewhere\n", encoding="utf-8")
    (repo / "gov" / "alias.yaml").symlink_to("organisations/nhs-england.yaml")
    (repo / "gov" / "escape.yaml").symlink_to(outside)
    (repo / "gov" / "huge.yaml").write_bytes(b"# padding\n" * (1024 * 1024 + 1))
    commit(repo, "links")
    report = diff_json(repo, "base", "HEAD")
    messages = sorted((f["file"], f["message"].split(";")[0]) for f in report["findings"]["introduced"])
    assert ("gov/escape.yaml", "symbolic link leaves the repository") in messages
    assert any(file == "gov/huge.yaml" and "over the 10 MiB limit" in m for file, m in messages)
    # the alias duplicates X24 and Y63: OAF006 reports the codes declared twice, as validate does on disk
    assert {f["rule"] for f in report["findings"]["introduced"]} == {"OAF000", "OAF006"}
    working = diff_json(repo, "HEAD")  # HEAD against the working tree: the same files, the same findings
    assert all(v == [] for v in working["findings"].values()) and working["changes"] == []
