"""The policy packs as data: oaf-2024's lead table, quotes and status; obligations; bad packs."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import ROOT

from oafctl.packs import PackError, all_packs, pack_in_force

SOURCES = ROOT / "policies" / "sources"
SHARED_SOURCES = ROOT.parent / "shared" / "reference" / "sources"


def flat(text: str) -> str:
    return " ".join(text.split())


def test_three_editions_ship() -> None:
    assert sorted(all_packs()) == ["nof-2025-26", "oaf-2024", "sof-2022-23"]


def test_oaf2024_is_a_proposal_never_chosen_by_date() -> None:
    pack = all_packs()["oaf-2024"]
    assert pack.status == "proposal" and pack.in_force is None
    day = date(2022, 1, 1)
    while day < date(2027, 1, 1):
        chosen = pack_in_force(day)
        assert chosen is None or chosen.id != "oaf-2024"
        day += timedelta(days=15)
    assert pack_in_force(date(2024, 6, 1)).id == "sof-2022-23"  # type: ignore[union-attr]
    assert "through" in pack.reading and "with" in pack.reading


def test_oaf2024_segments_capability_and_peer_support() -> None:
    pack = all_packs()["oaf-2024"]
    assert pack.icb.segments == pack.provider.segments == [1, 2, 3, 4]
    assert pack.capability == {"ICB": [1, 2, 3, 4], "Provider": [1, 2, 3, 4]}
    assert pack.peer_support is not None
    assert pack.peer_support.segments == [1] and sorted(pack.peer_support.kinds) == ["ICB", "Provider"]


EXPECTED_LEADS = {
    # (provider segment, host-ICB capability): (lead, required support)
    **{(s, c): ("host-icb", []) for s in (1, 2) for c in (1, 2, 3)},
    **{(s, 4): ("region", ["host-icb"]) for s in (1, 2)},
    **{(3, c): ("host-icb", ["region"]) for c in (1, 2)},
    **{(3, c): ("region", ["host-icb"]) for c in (3, 4)},
    **{(4, c): ("region", ["host-icb"]) for c in (1, 2, 3, 4)},
}


@pytest.mark.parametrize(("segment", "capability"), list(itertools.product((1, 2, 3, 4), (1, 2, 3, 4))))
def test_oaf2024_lead_table_through_and_with(segment: int, capability: int) -> None:
    entry = all_packs()["oaf-2024"].lead_for(segment, capability)
    assert entry is not None
    assert (entry.lead, entry.support) == EXPECTED_LEADS[(segment, capability)]


def test_oaf2024_lead_table_needs_a_rated_icb() -> None:
    assert all_packs()["oaf-2024"].lead_for(2, None) is None


def test_oaf2024_quotes_are_verbatim() -> None:
    pack = all_packs()["oaf-2024"]
    board = flat((SOURCES / "nhse-board-oversight-assessment-framework-2024-05.txt").read_text(encoding="utf-8"))
    briefing = (SOURCES / "nhs-confederation-operating-framework-briefing-2022.txt").read_text(encoding="utf-8")
    confed = flat(briefing.replace("**", ""))  # the copy keeps the web page's bold markers
    quotes = [s for s in pack.sources.values() if s.quote] + [o.source for o in pack.obligations]
    assert len(quotes) >= 10
    for source in quotes:
        assert source.quote, f"oaf-2024 cites the Board paper, so it quotes it: {source.cite}"
        shipped = confed if "Confederation" in source.cite else board
        assert flat(source.quote) in shipped, source.quote[:60]


@pytest.mark.skipif(not SHARED_SOURCES.is_dir(), reason="../shared/reference is only in the project's CI")
def test_shipped_sources_are_copies() -> None:
    for path in SOURCES.glob("*.txt"):
        assert path.read_bytes() == (SHARED_SOURCES / path.name).read_bytes()


def test_every_obligation_has_a_source() -> None:
    for pack in all_packs().values():
        for obligation in pack.obligations:
            assert (obligation.source.quote or obligation.source.summary) and obligation.source.cite


def test_nof_obligations() -> None:
    pack = all_packs()["nof-2025-26"]
    override = {o.id: o for o in pack.obligations}["financial-override"]
    assert override.rule == "OAF009" and override.segments == [3, 4, 5]
    assert override.when is not None and override.when.field == "financial_deficit"
    duties = {o.id: o for o in pack.obligations_for("OAF010")}
    assert duties["improvement-plan"].segments == [4, 5]
    assert duties["enhanced-reporting"].segments == [3] and duties["enhanced-reporting"].kind == "Arrangement"
    assert all_packs()["sof-2022-23"].obligations == []


GOOD_HEAD = """\
id: {id}
title: Test pack
icb: {{segments: [1, 2]}}
provider: {{segments: [1, 2]}}
leads:
  - {{segments: [1, 2], lead: region}}
"""


@pytest.mark.parametrize(
    ("obligation", "message"),
    [
        ("  - {id: x, rule: OAF009, title: t, segments: [2], source: {summary: s, cite: c}}",
         "an OAF009 obligation has `when` and `segments`"),
        ("  - {id: x, rule: OAF010, title: t, require: {field: improvment_plan}, source: {summary: s, cite: c}}",
         "Provider has no field 'improvment_plan'"),
        ("  - {id: x, rule: OAF010, title: t, kind: Arrangement, when: {field: reporting}, "
         "require: {field: reporting}, source: {summary: s, cite: c}}", "an OAF010 obligation has `require`, and no"),
        ("  - {id: x, rule: OAF011, title: t, require: {field: segment}, source: {summary: s, cite: c}}",
         "rule"),
    ],
)
def test_bad_obligations_are_pack_errors(tmp_path: Path, obligation: str, message: str) -> None:
    (tmp_path / "bad.yaml").write_text(GOOD_HEAD.format(id="bad") + "obligations:\n" + obligation + "\n",
                                       encoding="utf-8")
    with pytest.raises(PackError, match=r"bad\.yaml:") as info:
        all_packs(tmp_path)
    assert message in str(info.value)


def test_duplicate_obligation_ids(tmp_path: Path) -> None:
    line = "  - {id: x, rule: OAF010, title: t, require: {field: segment}, source: {summary: s, cite: c}}\n"
    (tmp_path / "dup.yaml").write_text(GOOD_HEAD.format(id="dup") + "obligations:\n" + line + line, encoding="utf-8")
    with pytest.raises(PackError, match="obligation ids must be unique: x"):
        all_packs(tmp_path)


def test_explain_a_pack() -> None:
    from conftest import run_cli

    result = run_cli("explain", "--framework", "oaf-2024")
    assert result.exit_code == 0
    out = result.output
    assert "status: proposal; never in force: chosen only by name" in out
    assert "segment 1, 2, host ICB capability 4: regional team leads, with host ICB in support" in out
    assert "How this pack reads its source" in out and "Peer-support duty: ICB and Provider in segment 1" in out
    result = run_cli("explain", "--framework", "nof-2025-26")
    assert "Segments: ICBs not segmented; providers 1, 2, 3, 4, 5" in result.output
    assert "financial-override" in result.output
