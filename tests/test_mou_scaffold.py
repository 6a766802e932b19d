"""`oafctl mou scaffold`: a new spec from the estate, or an update that keeps every comment and byte it
does not need to change."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import run_cli, validate_json

HAND_COMMENTED = """\
# yaml-language-server: $schema=../../../schemas/oaf.schema.json
# The QHM MOU, agreed at the April board.   Keep this header.
apiVersion: oaf/v1
kind: MOU
id: mou-QHM-2024   # the id the board minutes use
title: Oversight MOU between NHS North East and North Cumbria ICB and NHS England North East and Yorkshire
icb: QHM
region: Y63
effective: 2024-04-01
expires: 2025-03-31
review_date: 2024-10-01
status: signed
signatories:
  - {name: "Chief Executive", role: Chief Executive, organisation: QHM}
  - {name: Regional Director, role: 'Regional Director', organisation: Y63}
# Arrangements, one per provider:
arrangements:
  # the flagship trust
  - provider: RTD
    lead: QHM          # segment 1
  - provider: RVW
    lead: Y63          # WRONG: lead changed by hand
    notes: >-
      Regional diagnostic on urgent and emergency care,
      agreed in April 2024.
  - provider: RXX      # not hosted by QHM any more
    lead: QHM
purpose: >-
  Sets out how the NHS Oversight Framework applies in the North East and North Cumbria ICS area, so that
  each provider has one clear oversight arrangement.
ways_of_working: 'Monthly meeting; one shared data pack.'
escalation:
  - {segment: 1, route: ICB quarterly review}
  - {segment: 3, route: "ICB oversight group with the regional team"}
information_sharing: |
  Shared monthly.

  Under the regional agreement.
# trailing comment at the end of the file
"""

EXPECTED = HAND_COMMENTED.replace(
    "    lead: Y63          # WRONG: lead changed by hand\n",
    "    lead: QHM          # WRONG: lead changed by hand\n    support: [Y63]\n",
).replace(
    "  - provider: RXX      # not hosted by QHM any more\n    lead: QHM\n",
    "  - provider: RR7\n    lead: QHM  # segment 2: the host ICB leads\n",
)


def test_scaffold_updates_a_hand_commented_mou_keeping_every_comment(estate: Callable[..., Path]) -> None:
    repo = estate({"mous/QHM.yaml": HAND_COMMENTED})
    result = run_cli("mou", "scaffold", str(repo), "--icb", "QHM")
    assert result.exit_code == 0, result.output
    assert "updated" in result.output
    assert "RVW: lead Y63 → QHM (segment 3: the host ICB leads, with the regional team in support)" in result.output
    assert "RXX: arrangement removed (not hosted)" in result.output
    assert "RR7: arrangement added (segment 2: the host ICB leads)" in result.output
    text = (repo / "mous" / "QHM.yaml").read_text(encoding="utf-8")
    # Every comment line of the hand-written file is still there, except the one on the removed arrangement.
    for line in HAND_COMMENTED.splitlines():
        if "#" in line and "RXX" not in line:
            comment = line[line.index("#"):]
            assert comment in text, comment
    # Byte for byte: only the lines that had to change changed.
    assert text == EXPECTED
    code, report = validate_json(repo)
    assert code == 0, report["findings"]


def test_scaffold_leaves_a_correct_file_untouched(estate: Callable[..., Path]) -> None:
    repo = estate()
    before = (repo / "mous" / "QOQ.yaml").read_bytes()
    result = run_cli("mou", "scaffold", str(repo), "--icb", "QOQ")
    assert result.exit_code == 0
    assert "already has the arrangements sof-2022-23 requires; not changed" in result.output
    assert (repo / "mous" / "QOQ.yaml").read_bytes() == before


def test_scaffold_adds_required_support_to_an_existing_list(estate: Callable[..., Path]) -> None:
    repo = estate()
    spec = repo / "mous" / "QOQ.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("support: [X24, QOQ]", "support: [QOQ]"),
                    encoding="utf-8")
    result = run_cli("mou", "scaffold", str(repo), "--icb", "QOQ")
    assert result.exit_code == 0
    assert "RWA: support + X24" in result.output
    assert "    support: [QOQ, X24]\n" in spec.read_text(encoding="utf-8")
    assert validate_json(repo)[0] == 0


def test_scaffold_writes_a_new_spec_that_validates(estate: Callable[..., Path]) -> None:
    repo = estate(remove=("mous/QOQ.yaml",))
    assert validate_json(repo)[0] == 1  # OAF005: QOQ has no MOU
    result = run_cli("mou", "scaffold", str(repo), "--icb", "QOQ")
    assert result.exit_code == 0, result.output
    path = repo / "mous" / "QOQ.yaml"
    assert f"wrote {path.as_posix()}" in result.output
    text = path.read_text(encoding="utf-8")
    assert "id: mou-QOQ-2024\n" in text
    assert "effective: 2024-04-01\nexpires: 2025-03-31\nstatus: draft\n" in text
    assert "  - provider: RWA\n    lead: Y63  # segment 4: the regional team leads, with NHS England national in " \
           "support\n    support: [X24]\n" in text
    code, report = validate_json(repo)
    assert code == 0, report["findings"]
    # A second run finds nothing to do.
    again = run_cli("mou", "scaffold", str(repo), "--icb", "QOQ")
    assert "not changed" in again.output
    assert path.read_text(encoding="utf-8") == text


def test_scaffold_follows_the_file_sequence_indentation(estate: Callable[..., Path]) -> None:
    repo = estate()
    spec = repo / "mous" / "QOQ.yaml"
    flat = spec.read_text(encoding="utf-8").replace("\n  - ", "\n- ").replace("\n    ", "\n  ")
    spec.write_text(flat.replace("  lead: QOQ\n", "  lead: Y63\n"), encoding="utf-8")
    assert run_cli("mou", "scaffold", str(repo), "--icb", "QOQ").exit_code == 0
    assert spec.read_text(encoding="utf-8") == flat


def test_scaffold_usage_errors(estate: Callable[..., Path]) -> None:
    repo = estate()
    result = run_cli("mou", "scaffold", str(repo), "--icb", "QHX")
    assert result.exit_code == 2
    assert "no ICB 'QHX' in the estate on 2024-06-01; did you mean 'QHM'?" in result.output
    result = run_cli("mou", "scaffold", str(repo), "--icb", "QHM", "--effective", "2025-04-01",
                     "--expires", "2025-01-01")
    assert result.exit_code == 2 and "--expires must be after --effective" in result.output
    broken = estate({"mous/QHM.yaml": "apiVersion: oaf/v1\nkind: MOU\nid: x\nicb: QHM\n  bad: [\n"})
    result = run_cli("mou", "scaffold", str(broken), "--icb", "QHM", "--file", str(broken / "mous" / "QHM.yaml"))
    assert result.exit_code == 2 and "cannot parse YAML" in result.output
    assert "Traceback" not in result.output


def test_scaffold_meets_the_packs_arrangement_obligations(estate: Callable[..., Path]) -> None:
    """Under nof-2025-26 the regional team leads, and a segment-3 arrangement needs enhanced reporting (an
    OAF010 obligation of the pack): scaffold writes both, and validate agrees."""
    repo = estate()
    options = ("--framework", "nof-2025-26", "--as-of", "2025-06-01")
    result = run_cli("mou", "scaffold", str(repo), "--icb", "QHM", *options)
    assert result.exit_code == 0, result.output
    path = repo / "mous" / "QHM-2025.yaml"  # QHM.yaml holds the 2024 MOU, no longer in force
    text = path.read_text(encoding="utf-8")
    assert "id: mou-QHM-2025\n" in text and "effective: 2025-04-01\nexpires: 2026-03-31\n" in text
    assert "  - provider: RVW\n    lead: Y63  # segment 3: the regional team leads\n    reporting: enhanced\n" in text
    assert "  - {segment: 3, route: To be agreed (" in text
    _code, report = validate_json(repo, *options)
    assert [f for f in report["findings"] if f["file"].endswith("QHM-2025.yaml")] == []
    # A hand edit that breaks the obligation is put right, and nothing else changes.
    path.write_text(text.replace("reporting: enhanced", "reporting: routine  # lowered by hand"), encoding="utf-8")
    again = run_cli("mou", "scaffold", str(repo), "--icb", "QHM", *options)
    assert "RVW: reporting routine → enhanced (enhanced reporting at segment 3, nof-2025-26)" in again.output
    # (ruamel keeps the comment in its column, so the longer value leaves one space before it.)
    assert path.read_text(encoding="utf-8") == text.replace("reporting: enhanced",
                                                             "reporting: enhanced # lowered by hand")
