"""bench/generate.py: the synthetic estates the benchmarks run on are valid by default, deterministic, and
every mistake planted with --violations is found by the rule it was planted for."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import ROOT, validate_json

sys.path.insert(0, str(ROOT / "bench"))
import generate


def test_a_generated_estate_is_valid_and_england_sized(tmp_path: Path) -> None:
    files, manifest = generate.render(generate.Spec(scale=1))
    generate.write(tmp_path / "estate", files)
    code, report = validate_json(tmp_path / "estate", "--no-cache")
    assert (code, report["findings"]) == (0, [])
    assert manifest == []
    assert len(files) == 93
    assert report["summary"]["organisations"] == 7 + 1 + 42 + 210


def test_generation_is_deterministic() -> None:
    assert generate.render(generate.Spec(scale=2, violations=0.2)) == generate.render(
        generate.Spec(scale=2, violations=0.2))
    assert generate.render(generate.Spec(seed="a")) != generate.render(generate.Spec(seed="b"))


@pytest.mark.parametrize("seed", ["one", "two"])
def test_every_planted_mistake_is_found(tmp_path: Path, seed: str) -> None:
    files, manifest = generate.render(generate.Spec(scale=1, violations=0.3, seed=seed))
    generate.write(tmp_path / "estate", files)
    code, report = validate_json(tmp_path / "estate", "--no-cache")
    assert code == 1
    assert {m["rule"] for m in manifest} >= {"OAF000", "OAF003", "OAF007"}
    for planted in manifest:
        found = [f for f in report["findings"] if f["rule"] == planted["rule"]
                 and (planted["provider"] in f["organisations"] or planted["provider"] in f["message"])]
        assert found, planted


def test_write_refuses_a_folder_that_is_not_a_generated_estate(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine\n")
    with pytest.raises(SystemExit):
        generate.write(tmp_path, {"oaf.yaml": ""})
    assert (tmp_path / "notes.txt").exists()
