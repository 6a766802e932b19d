"""`oafctl validate` in the CI formats: github annotations, JUnit XML, Markdown; and --output."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT, edit, run_cli

FROZEN = ROOT / "tests" / "data" / "pr-estate"


@pytest.fixture
def broken(estate: Callable[..., Path]) -> Path:
    """Two findings: OAF003 (RR7 moved to segment 3 without regional support) and OAF004 waived by a comment."""
    repo = estate(base=FROZEN)
    edit(repo, "organisations/providers.yaml", "icb: QHM\nsegment: 2\n", "icb: QHM\nsegment: 3\n")
    edit(repo, "organisations/providers.yaml", """peer_support:
  offer: Theatre productivity and day-case programme, shared with North Tees and Hartlepool.
  partners: [RVW]
""", "")
    edit(repo, "organisations/providers.yaml", "icb: QHM\nsegment: 1\n",
         "icb: QHM\nsegment: 1  # oafctl-ignore: OAF004 offer: agreed, 50% done\n")
    return repo


def output(repo: Path, fmt: str) -> tuple[int, str]:
    result = run_cli("validate", ".", "--format", fmt, cwd=repo)
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_github_annotations(broken: Path) -> None:
    code, out = output(broken, "github")
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == ("::error file=mous/QHM.yaml,line=18,col=5,title=OAF003::under sof-2022-23, Provider RR7 "
                        "(Gateshead Health NHS Foundation Trust) in segment 3 needs the regional team Y63 (North East "
                        "and Yorkshire) in support, but MOU mou-QHM-2024 does not name it%0Ahint: add Y63 to "
                        "`support` in this arrangement")
    # a waived finding is a notice; `%`, `,` and `:` are escaped where they would end the command
    assert lines[1] == ("::notice file=organisations/providers.yaml,line=8,col=10,title=OAF004 (waived)::Provider RTD "
                        "(The Newcastle upon Tyne Hospitals NHS Foundation Trust) is in segment 1, which carries the "
                        "peer-support duty under sof-2022-23, but declares no peer-support offer [waived: offer: "
                        "agreed, 50%25 done]")
    assert lines[2] == "oafctl: 1 error, 0 warnings, 1 waived (sof-2022-23, as of 2024-06-01)"


def test_github_property_escaping() -> None:
    from oafctl.report.github import escape_data, escape_property

    assert escape_property("a:b,c%d\ne") == "a%3Ab%2Cc%25d%0Ae"
    assert escape_data("a:b,c%d\r\ne") == "a:b,c%25d%0D%0Ae"


def test_junit_one_case_per_rule_and_file(broken: Path) -> None:
    code, out = output(broken, "junit")
    assert code == 1
    root = ET.fromstring(out)
    suites = root.findall("testsuite")
    files = [s.get("name") for s in suites]
    assert files == sorted(files) and "mous/QHM.yaml" in files
    rules = {c.get("name", "").split()[0] for c in suites[0].findall("testcase")}
    assert {"OAF001", "OAF003", "OAF020", "OAF021"} <= rules
    assert int(root.get("tests", "0")) == len(files) * len(rules)
    cases = {(c.get("classname"), c.get("name", "").split()[0]): c for s in suites for c in s.findall("testcase")}
    failure = cases[("mous/QHM.yaml", "OAF003")].find("failure")
    assert failure is not None and failure.get("type") == "error"
    assert "mous/QHM.yaml:18:5: error OAF003" in (failure.text or "")
    skipped = cases[("organisations/providers.yaml", "OAF004")].find("skipped")
    assert skipped is not None and skipped.get("message") == "waived: offer: agreed, 50% done"
    assert root.get("failures") == "1" and root.get("skipped") == "1"
    assert cases[("lines.yaml", "OAF001")].find("failure") is None


def test_markdown(broken: Path) -> None:
    code, out = output(broken, "markdown")
    assert code == 1
    assert out.startswith("## oafctl validate: 1 error, 0 warnings, 1 waived\n")
    assert "| error | OAF003 | `mous/QHM.yaml:18:5` |" in out
    assert "| waived (error) | OAF004 | `organisations/providers.yaml:8:10` |" in out
    assert out == output(broken, "markdown")[1]


def test_markdown_clean() -> None:
    result = run_cli("validate", str(FROZEN), "--format", "markdown")
    assert result.exit_code == 0
    assert result.output.startswith("## oafctl validate: no findings\n")
    assert "Every rule passes." in result.output


def test_output_file(broken: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.sarif"
    result = run_cli("validate", ".", "--format", "sarif", "--output", str(target), cwd=broken)
    assert result.exit_code == 1 and result.output == ""
    assert '"version": "2.1.0"' in target.read_text(encoding="utf-8")
    result = run_cli("validate", ".", "--output", str(tmp_path / "missing" / "x.txt"), cwd=broken)
    assert result.exit_code == 2 and result.output.startswith("oafctl: error: cannot write")
