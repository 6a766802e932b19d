"""Baselines: write, read back, fail only on new findings; fingerprints survive unrelated edits."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT, edit, run_cli, validate_json

FROZEN = ROOT / "tests" / "data" / "pr-estate"


@pytest.fixture
def repo(estate: Callable[..., Path]) -> Path:
    """One finding to adopt: RR7 moved to segment 3 without regional support (OAF003)."""
    repo = estate(base=FROZEN)
    edit(repo, "organisations/providers.yaml", "icb: QHM\nsegment: 2\n", "icb: QHM\nsegment: 3\n")
    return repo


def test_round_trip(repo: Path, tmp_path: Path) -> None:
    baseline = tmp_path / "oafctl-baseline.json"
    code, before = validate_json(repo)
    assert code == 1
    result = run_cli("validate", str(repo), "--write-baseline", str(baseline))
    assert result.exit_code == 0  # the findings just recorded are accepted
    assert result.stderr == f"oafctl: wrote 1 finding to baseline {baseline}\n"
    data = json.loads(baseline.read_text(encoding="utf-8"))
    assert data["format"] == "oafctl-baseline/v1"
    assert [e["fingerprint"] for e in data["findings"]] == [f["fingerprint"] for f in before["findings"]]
    code, after = validate_json(repo, "--baseline", str(baseline))
    assert code == 0
    (finding,) = after["findings"]
    assert finding["waived"] is True and finding["waiver_reason"] == f"baseline: {baseline.as_posix()}"
    assert after["summary"]["errors"] == 0 and after["summary"]["waived"] == 1
    # writing the same baseline again gives the same bytes
    first = baseline.read_bytes()
    run_cli("validate", str(repo), "--write-baseline", str(baseline))
    assert baseline.read_bytes() == first


def test_new_findings_still_fail_and_unrelated_edits_do_not_resurrect(repo: Path, tmp_path: Path) -> None:
    baseline = tmp_path / "b.json"
    run_cli("validate", str(repo), "--write-baseline", str(baseline))
    # an unrelated edit moves every line of the MOU down: the old finding keeps its fingerprint
    edit(repo, "mous/QHM.yaml", "apiVersion: oaf/v1\n", "# reviewed in June\n# by the lead\napiVersion: oaf/v1\n")
    code, report = validate_json(repo, "--baseline", str(baseline))
    assert code == 0 and report["findings"][0]["line"] == 20
    # a new finding is not in the baseline
    edit(repo, "organisations/providers.yaml", "icb: QOQ\nsegment: 2\n", "icb: QOQ\nsegment: 3\n")
    code, report = validate_json(repo, "--baseline", str(baseline))
    assert code == 1
    new = [f for f in report["findings"] if not f["waived"]]
    assert [(f["rule"], f["organisations"]) for f in new] == [("OAF003", ["RV9", "Y63"])]


@pytest.mark.parametrize(("content", "message"), [
    (None, "does not exist; create it with --write-baseline"),
    ("{not json", "is not JSON"),
    ('{"findings": []}', "is not an oafctl baseline"),
    ('{"format": "oafctl-baseline/v1", "findings": [{}]}', "every entry needs a \"fingerprint\""),
])
def test_bad_baseline_is_a_usage_error(repo: Path, tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "baseline.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = run_cli("validate", str(repo), "--baseline", str(path))
    assert result.exit_code == 2
    assert result.output.startswith("oafctl: error: baseline") and message in result.output
    assert result.output.count("\n") == 1
