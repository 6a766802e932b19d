"""`oafctl mou check`: one OAF030 finding per rendered document whose embedded hash no longer matches."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import edit, run_cli

FORMATS = ("markdown", "html", "docx", "pdf")
EXTENSIONS = ("md", "html", "docx", "pdf")


@pytest.fixture
def rendered(estate: Callable[..., Path], tmp_path: Path) -> tuple[Path, Path]:
    """The example estate and its MOUs rendered in every format into a `docs` folder."""
    repo = estate()
    docs = tmp_path / "docs"
    for fmt in FORMATS:
        result = run_cli("mou", "render", str(repo), "--all", "--format", fmt, "--out", str(docs))
        assert result.exit_code == 0, result.output
    return repo, docs


def check(repo: Path, docs: Path, *args: str) -> tuple[int, dict[str, object] | str]:
    result = run_cli("mou", "check", str(repo), "--rendered", str(docs), *args)
    assert "Traceback" not in result.output
    if "--format" in args:
        return result.exit_code, json.loads(result.stdout)
    return result.exit_code, result.output


def findings(report: dict[str, object] | str) -> list[dict[str, object]]:
    assert isinstance(report, dict)
    found = report["findings"]
    assert isinstance(found, list)
    return found


def test_fresh_documents_pass(rendered: tuple[Path, Path]) -> None:
    repo, docs = rendered
    assert len(list(docs.iterdir())) == 8
    code, output = check(repo, docs)
    assert code == 0, output
    assert "no findings" in str(output)


def test_a_changed_arrangement_flags_every_document_of_that_mou(rendered: tuple[Path, Path]) -> None:
    repo, docs = rendered
    edit(repo, "mous/QHM.yaml", "agreed in April 2024.", "agreed in May 2024.")
    code, report = check(repo, docs, "--format", "json")
    assert code == 1
    found = findings(report)
    assert sorted(Path(str(f["file"])).name for f in found) == [f"mou-QHM-2024.{e}" for e in sorted(EXTENSIONS)]
    assert {f["rule"] for f in found} == {"OAF030"}
    assert all("no longer matches MOU mou-QHM-2024" in str(f["message"]) for f in found)
    assert all("oafctl mou render --icb QHM" in str(f["hint"]) for f in found)
    md = next(f for f in found if str(f["file"]).endswith(".md"))
    text = (docs / "mou-QHM-2024.md").read_text(encoding="utf-8").split("\n")
    assert "oafctl:mou=" in text[int(str(md["line"])) - 1]  # points at the embedded marker


def test_an_estate_fact_shown_in_the_document_changes_the_hash(rendered: tuple[Path, Path]) -> None:
    repo, docs = rendered
    edit(repo, "organisations/providers.yaml", "name: Humber Teaching NHS Foundation Trust",
         "name: Humber Health Partnership NHS Foundation Trust")
    code, report = check(repo, docs, "--format", "json")
    assert code == 1
    assert {Path(str(f["file"])).stem for f in findings(report)} == {"mou-QOQ-2024"}


def test_a_pack_meaning_shown_in_the_document_changes_the_hash(rendered: tuple[Path, Path]) -> None:
    repo, docs = rendered
    edit(repo, "organisations/providers.yaml", "icb: QHM\nsegment: 2", "icb: QHM\nsegment: 1\npeer_support:\n"
         "  offer: Shares its frailty pathway.\n  partners: [RVW]")
    code, report = check(repo, docs, "--format", "json")
    assert code == 1
    assert {Path(str(f["file"])).stem for f in findings(report)} == {"mou-QHM-2024"}


def test_comments_and_key_order_do_not_change_the_hash(rendered: tuple[Path, Path]) -> None:
    repo, docs = rendered
    spec = repo / "mous" / "QOQ.yaml"
    lines = spec.read_text(encoding="utf-8").splitlines()
    moved = [line for line in lines if line.startswith(("review_date:", "status:"))]
    rest = [line for line in lines if line not in moved]
    spec.write_text("\n".join(["# reordered and commented", *rest, *reversed(moved), "# end"]) + "\n",
                    encoding="utf-8")
    assert check(repo, docs)[0] == 0


def test_an_estate_that_now_fails_is_drift(rendered: tuple[Path, Path]) -> None:
    repo, docs = rendered
    (repo / "lines.yaml").write_text((repo / "lines.yaml").read_text(encoding="utf-8").replace(
        "from: RR7", "from: RR8", 1), encoding="utf-8")
    code, report = check(repo, docs, "--format", "json")
    assert code == 1
    found = findings(report)
    assert found and all("the estate now fails validate for it" in str(f["message"]) for f in found)


def test_a_document_whose_mou_is_gone(rendered: tuple[Path, Path]) -> None:
    repo, docs = rendered
    edit(repo, "mous/QOQ.yaml", "id: mou-QOQ-2024", "id: mou-QOQ-2024b")
    code, report = check(repo, docs, "--format", "json")
    assert code == 1
    messages = [str(f["message"]) for f in findings(report)]
    assert len(messages) == 4
    assert all("rendered from MOU mou-QOQ-2024, which no longer exists" in m for m in messages)


def test_unmarked_files_are_skipped_unless_named_after_an_mou(rendered: tuple[Path, Path]) -> None:
    repo, docs = rendered
    (docs / "README.md").write_text("# Signed MOUs\n", encoding="utf-8")
    assert check(repo, docs)[0] == 0
    (docs / "mou-QHM-2024.md").write_text("# edited by hand, marker lost\n", encoding="utf-8")
    (docs / "mou-QOQ-2024.docx").write_bytes(b"not a zip")
    code, report = check(repo, docs, "--format", "json")
    assert code == 1
    messages = sorted(str(f["message"]) for f in findings(report))
    assert messages[0].startswith("mou-QHM-2024.md carries no oafctl provenance marker")
    assert messages[1].startswith("mou-QOQ-2024.docx is not a readable Word document")


def test_text_report(rendered: tuple[Path, Path]) -> None:
    repo, docs = rendered
    edit(repo, "mous/QOQ.yaml", "status: signed", "status: draft")
    code, output = check(repo, docs)
    assert code == 1
    assert "OAF030" in str(output) and "mou-QOQ-2024.html" in str(output)
    assert "4 errors" in str(output)


def test_usage_errors(rendered: tuple[Path, Path], tmp_path: Path) -> None:
    repo, _docs = rendered
    empty = tmp_path / "empty"
    empty.mkdir()
    code, output = check(repo, empty)
    assert code == 2 and "holds no document rendered by `oafctl mou render`" in str(output)
    code, output = check(repo, tmp_path / "missing")
    assert code == 2 and "no such folder" in str(output)


def test_oaf030_is_explained() -> None:
    result = run_cli("explain", "OAF030")
    assert result.exit_code == 0
    assert result.output.startswith("OAF030 mou-document-drift:")
    assert "mou check" in result.output


def test_an_invalid_document_rendered_elsewhere_still_checks(estate: Callable[..., Path], tmp_path: Path) -> None:
    repo = estate()
    edit(repo, "mous/QHM.yaml", "    lead: QHM\n    support: [Y63]", "    lead: Y63\n    support: [Y63]")
    docs = tmp_path / "docs"
    result = run_cli("mou", "render", ".", "--icb", "QHM", "--allow-invalid", "--out", str(docs), cwd=repo)
    assert result.exit_code == 0
    text = (docs / "mou-QHM-2024.md").read_text(encoding="utf-8")
    assert "- OAF003 at mous/QHM.yaml:" in text  # relative to the repo, not to where render ran
    # Checked from another folder, the still-invalid estate gives the same hash.
    assert check(repo, docs)[0] == 0
    # Fixing the estate makes the DRAFT — NOT VALID document stale.
    edit(repo, "mous/QHM.yaml", "    lead: Y63\n    support: [Y63]", "    lead: QHM\n    support: [Y63]")
    code, report = check(repo, docs, "--format", "json")
    assert code == 1 and len(findings(report)) == 1
