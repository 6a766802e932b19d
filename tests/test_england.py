"""The England estate: it validates clean, matches the reference data, and its generator rebuilds it."""

from __future__ import annotations

import csv
import importlib.util
import shutil
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest
from conftest import EXAMPLES, edit, run_cli, validate_json

from oafctl.engine import validate

ENGLAND = EXAMPLES / "england"
REFERENCE = ENGLAND / "reference"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "reference"


def rows(name: str) -> list[dict[str, str]]:
    with (REFERENCE / name).open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("england_generate", ENGLAND / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_validates_clean() -> None:
    code, report = validate_json(ENGLAND)
    assert code == 0, report["findings"][:5]
    assert report["findings"] == []
    assert report["framework"] == "nof-2025-26"
    assert report["summary"]["organisations"] == 1 + 7 + 42 + 200


def test_counts_and_references() -> None:
    run = validate(ENGLAND)
    estate = run.estate
    assert list(estate.national) == ["X24"]
    assert sorted(estate.regions) == ["Y56", "Y58", "Y59", "Y60", "Y61", "Y62", "Y63"]
    assert len(estate.icbs) == 42
    assert len(estate.providers) == 200
    assert all(p.icb in estate.icbs for p in estate.providers.values())
    assert all(i.region in estate.regions for i in estate.icbs.values())
    # one MOU per ICB, in force, with its own region, covering exactly the providers it hosts
    assert sorted(estate.mous_by_icb) == sorted(estate.icbs)
    for code, mous in estate.mous_by_icb.items():
        assert len(mous) == 1
        assert mous[0].region == estate.icbs[code].region
        assert sorted(a.provider for a in mous[0].arrangements) == sorted(p.code for p in estate.providers_by_icb[code])
    # one primary relationship per ICB and provider
    primary = Counter(line.from_ for line in estate.lines if line.type == "primary-relationship")
    assert set(primary.values()) == {1}
    assert len(primary) == 42 + 200


def test_matches_the_reference_data() -> None:
    estate = validate(ENGLAND).estate
    trusts = rows("trusts.csv")
    assert len(trusts) == 200
    for row in trusts:
        provider = estate.providers[row["code"]]
        assert (provider.name, provider.type, provider.icb) == (row["name"], row["type"], row["icb"])
    for row in rows("icbs.csv"):
        icb = estate.icbs[row["code"]]
        assert (icb.name, icb.region) == (row["name"], row["region"])
    # spot checks against what is known independently of the CSVs
    assert estate.icbs["QHM"].name == "NHS North East and North Cumbria Integrated Care Board"
    assert estate.icbs["QHM"].region == "Y63"
    assert estate.providers["R0A"].name == "Manchester University NHS Foundation Trust"
    assert estate.providers["R0A"].icb == "QOP"
    assert estate.regions["Y56"].name == "London"


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/reference is not present (only in the project's CI)")
def test_reference_copies_are_unchanged() -> None:
    for name in ("regions.csv", "icbs.csv", "trusts.csv"):
        assert (REFERENCE / name).read_bytes() == (SHARED / name).read_bytes(), name


def test_generator_rebuilds_the_estate_byte_for_byte(tmp_path: Path) -> None:
    out = tmp_path / "england"
    assert generator().main(["--out", str(out)]) == 0
    generated = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.yaml"))
    committed = sorted(
        p.relative_to(ENGLAND).as_posix() for p in ENGLAND.rglob("*.yaml")
        if p.relative_to(ENGLAND).parts[0] in ("organisations", "icbs", "lines", "mous") or p.name == "oaf.yaml"
    )
    assert generated == committed
    for rel in generated:
        assert (out / rel).read_bytes() == (ENGLAND / rel).read_bytes(), rel


def test_generator_is_deterministic_and_keeps_hand_written_files(tmp_path: Path) -> None:
    out = tmp_path / "england"
    shutil.copytree(ENGLAND, out)
    (out / "icbs" / "STALE.yaml").write_text("stale\n", encoding="utf-8")
    assert generator().main(["--out", str(out)]) == 0
    assert not (out / "icbs" / "STALE.yaml").exists()
    assert (out / "README.md").is_file() and (out / "policies" / "escalation-routes.yaml").is_file()
    first = {p: p.read_bytes() for p in out.rglob("*.yaml")}
    assert generator().main(["--out", str(out)]) == 0
    assert first == {p: p.read_bytes() for p in out.rglob("*.yaml")}


def test_generator_rejects_inconsistent_reference_data(tmp_path: Path) -> None:
    ref = tmp_path / "ref"
    shutil.copytree(REFERENCE, ref)
    text = (ref / "trusts.csv").read_text(encoding="utf-8").replace(",QHM,", ",QZZ,", 1)
    (ref / "trusts.csv").write_text(text, encoding="utf-8")
    with pytest.raises(SystemExit, match="unknown host ICB QZZ"):
        generator().main(["--reference", str(ref), "--out", str(tmp_path / "out")])


def test_file_count_is_modest() -> None:
    assert len(list(ENGLAND.rglob("*.yaml"))) <= 110


def test_segments_are_declared_illustrative() -> None:
    assert "illustrative" in (ENGLAND / "oaf.yaml").read_text(encoding="utf-8").lower()
    readme = (ENGLAND / "README.md").read_text(encoding="utf-8").lower()
    assert "illustrative" in readme and "trusts.csv" in readme


def merged(estate_dir: Path) -> Path:
    """The April 2026 merger, modelled on the London ICBs: QRV and QMJ close on 31 March 2026 and a new ICB
    (code Z9B2Z, one of the post-merger codes in frameworks.md; the pairing is illustrative) takes over."""
    for code in ("QRV", "QMJ"):
        edit(estate_dir, f"icbs/{code}.yaml", "valid_from: 2022-07-01\n",
             "valid_from: 2022-07-01\nvalid_to: 2026-03-31\nsuccessor: Z9B2Z\n")
    (estate_dir / "icbs" / "Z9B2Z.yaml").write_text(
        "apiVersion: oaf/v1\nkind: ICB\ncode: Z9B2Z\nname: NHS North and West London Integrated Care Board\n"
        "region: Y56\nvalid_from: 2026-04-01\n", encoding="utf-8")
    return estate_dir


def test_merger_judged_on_as_of(tmp_path: Path) -> None:
    repo = merged(Path(shutil.copytree(ENGLAND, tmp_path / "england")))
    code, before = validate_json(repo, "--as-of", "2025-10-01")
    assert code == 0 and before["findings"] == []  # the merger is in the future: the estate is as it was
    code, after = validate_json(repo, "--as-of", "2026-05-01")
    assert code == 1
    closed = [f for f in after["findings"] if f["rule"] == "OAF006" and "successor is Z9B2Z" in f["message"]]
    hosted = {p.code for p in validate(ENGLAND).estate.providers.values() if p.icb in ("QRV", "QMJ")}
    # every trust hosted by the closed ICBs is reported, pointing at the successor
    assert hosted and all(any(f"Provider {code} " in f["message"] for f in closed) for code in hosted)
    assert all({"Z9B2Z"} <= set(f["organisations"]) <= {"QRV", "QMJ", "Z9B2Z"} for f in closed)
    assert all(f["hint"] == "name Z9B2Z" for f in closed)
    assert not any("no organisation has that code" in f["message"] for f in after["findings"])


def test_editions_differ_on_england() -> None:
    by_rule: dict[str, Counter[str]] = {}
    for framework in ("sof-2022-23", "oaf-2024"):
        result = run_cli("validate", str(ENGLAND), "--framework", framework, "--format", "json")
        assert result.exit_code == 1
        import json

        by_rule[framework] = Counter(f["rule"] for f in json.loads(result.output)["findings"])
    # sof-2022-23 has no segment 5 and puts ICBs in the lead at segments 1-3
    assert set(by_rule["sof-2022-23"]) == {"OAF003", "OAF007"}
    # oaf-2024 has no segment 5 either, and asks every ICB for a delivery segment and a capability rating
    assert by_rule["oaf-2024"]["OAF010"] >= 2 * 42
    assert by_rule["oaf-2024"]["OAF007"] == by_rule["sof-2022-23"]["OAF007"]
