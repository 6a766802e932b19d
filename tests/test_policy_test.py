"""`oafctl test`: PolicyTests pass, fail with a diff, and are never silently skipped."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import MINIMAL, ROOT, run_cli

from oafctl.policy.testing import run_tests

POLICY = """\
apiVersion: oaf/v1
kind: Policy
id: LOC001
message: is in segment 3 or 4 but names no improvement director
kinds: [Provider]
when: self.segment >= 3
assert: has(self.improvement_director)
"""

PASSING = f"""\
apiVersion: oaf/v1
kind: PolicyTest
name: LOC001 flags segment-3 and 4 providers without a director
estate:
  path: {MINIMAL}
  policies: [policy.yaml]
expect:
  - {{rule: LOC001, organisations: [RVW], file: organisations/providers.yaml, line: 21}}
  - {{rule: LOC001, organisations: [RWA]}}
---
apiVersion: oaf/v1
kind: PolicyTest
name: LOC001 passes when both name one
framework: sof-2022-23
as_of: 2024-06-01
estate:
  policies: [policy.yaml]
  files:
    estate.yaml: |
      apiVersion: oaf/v1
      kind: Provider
      code: RVW
      name: North Tees and Hartlepool NHS Foundation Trust
      type: acute
      icb: QHM
      segment: 3
      improvement_director: Named
partial: true
expect:
  - {{rule: OAF006, organisations: [QHM], file: estate.yaml, line: 6}}
"""


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


def test_passing_tests(tmp_path: Path) -> None:
    tests = write(tmp_path / "t", {"policy.yaml": POLICY, "tests.yaml": PASSING})
    result = run_cli("test", str(tests))
    assert result.exit_code == 0, result.output
    assert "PASS" in result.output and "FAIL" not in result.output
    assert result.output.splitlines()[-1] == "2 tests: 2 passed, 0 failed"


def test_a_failing_test_prints_a_diff(tmp_path: Path) -> None:
    wrong = PASSING.replace("organisations: [RWA]}", "organisations: [RR7]}", 1)
    tests = write(tmp_path / "t", {"policy.yaml": POLICY, "tests.yaml": wrong})
    result = run_cli("test", str(tests))
    assert result.exit_code == 1
    out = result.output
    assert "FAIL" in out and "LOC001 flags segment-3 and 4 providers without a director" in out
    assert "- expected, not reported: LOC001 [RR7]" in out
    assert "+ reported, not expected: LOC001 [RWA] error at organisations/providers.yaml:29:" in out
    assert out.splitlines()[-1] == "2 tests: 1 passed, 1 failed"


def test_line_is_matched(tmp_path: Path) -> None:
    wrong = PASSING.replace("line: 21}", "line: 22}")
    tests = write(tmp_path / "t", {"policy.yaml": POLICY, "tests.yaml": wrong})
    [outcome, _] = run_tests(tests)
    assert not outcome.passed and outcome.missing == ["LOC001 [RVW] at organisations/providers.yaml:22"]


def test_exact_unless_partial(tmp_path: Path) -> None:
    exact = PASSING.replace("partial: true\n", "")
    tests = write(tmp_path / "t", {"policy.yaml": POLICY, "tests.yaml": exact})
    outcomes = run_tests(tests)
    assert outcomes[0].passed
    assert not outcomes[1].passed and outcomes[1].unexpected  # the inline estate has more OAF006 findings


def test_a_test_of_a_broken_policy_fails(tmp_path: Path) -> None:
    tests = write(tmp_path / "t", {"policy.yaml": POLICY.replace("has(self.improvement_director)", "has(self."),
                                   "tests.yaml": PASSING})
    outcomes = run_tests(tests)
    # the LOC001 rule no longer exists: an expectation naming it fails instead of passing silently
    assert not outcomes[0].passed
    assert outcomes[0].errors == ["expects rule LOC001, but no rule LOC001 is in force (built-in or local)"]


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("apiVersion: oaf/v1\nkind: PolicyTest\nname: no estate\n", "missing the required field 'estate'"),
        ("apiVersion: oaf/v1\nkind: PolicyTest\nname: typo\nestate: .\nexpected: []\n", "did you mean 'expect'"),
        ("apiVersion: oaf/v1\nkind: PolicyTest\nname: bad\nestate: .\nexpect:\n  - {organisations: [RTD]}\n",
         "missing the required field 'expect[0].rule'"),
        ("apiVersion: oaf/v1\nkind: PolicyTest\nname: escape\nestate: {files: {../x.yaml: 'a: 1'}}\n",
         "relative YAML file name"),
        ("apiVersion: oaf/v1\nkind: PolicyTest\nname: [unclosed\n", "invalid YAML"),
    ],
)
def test_malformed_tests_fail(tmp_path: Path, text: str, error: str) -> None:
    tests = write(tmp_path / "t", {"bad.yaml": text})
    result = run_cli("test", str(tests))
    assert result.exit_code == 1
    assert "FAIL" in result.output and error in result.output
    assert result.output.splitlines()[-1] == "1 test: 0 passed, 1 failed"


def test_unknown_rule_fails(tmp_path: Path) -> None:
    text = f"apiVersion: oaf/v1\nkind: PolicyTest\nname: n\nestate: {MINIMAL}\nexpect:\n  - {{rule: OAF999}}\n"
    [outcome] = run_tests(write(tmp_path / "t", {"t.yaml": text}))
    assert outcome.errors == ["expects rule OAF999, but no rule OAF999 is in force (built-in or local)"]


def test_missing_estate_fails(tmp_path: Path) -> None:
    text = "apiVersion: oaf/v1\nkind: PolicyTest\nname: n\nestate: nowhere\n"
    [outcome] = run_tests(write(tmp_path / "t", {"t.yaml": text}))
    assert not outcome.passed and "estate path 'nowhere' does not exist" in outcome.errors[0]


def test_usage_errors(tmp_path: Path) -> None:
    result = run_cli("test", str(tmp_path / "nothing"))
    assert result.exit_code == 2 and "does not exist" in result.output
    write(tmp_path / "t", {"estate.yaml": "apiVersion: oaf/v1\nkind: Region\ncode: Y63\nname: NEY\n"})
    result = run_cli("test", str(tmp_path / "t"))
    assert result.exit_code == 2 and "no PolicyTest documents found" in result.output


def test_policy_tests_validate_as_documents(tmp_path: Path) -> None:
    """A repo may keep its tests beside its estate: `oafctl validate` knows the kinds."""
    write(tmp_path / "t", {"policy.yaml": POLICY, "tests.yaml": PASSING})
    result = run_cli("validate", str(tmp_path / "t"), "--framework", "sof-2022-23", "--as-of", "2024-06-01")
    assert "unknown kind" not in result.output


def test_builtin_policy_tests_pass() -> None:
    outcomes = run_tests(ROOT / "policies" / "tests")
    assert len(outcomes) >= 20
    assert [o.name for o in outcomes if not o.passed] == []
    names = " ".join(o.name for o in outcomes)
    for rule in [f"OAF00{i}" for i in range(1, 9)] + ["OAF009", "OAF010"]:
        assert rule in names


def test_england_policy_tests_pass() -> None:
    outcomes = run_tests(ROOT / "examples" / "england" / "tests")
    assert outcomes and all(o.passed for o in outcomes)
