"""`oafctl mou render`: every MOU of the example in every format, golden Markdown, determinism, the DOCX
table against the spec, escaping, refusal of invalid estates, DRAFT stamps, templates, provenance."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import docx
import pytest
import yaml
from conftest import ROOT, edit, run_cli

GOLDEN = ROOT / "tests" / "golden" / "mou"
EXAMPLE_MOUS = ("mou-QHM-2024", "mou-QOQ-2024")
FORMATS = {"markdown": "md", "html": "html", "docx": "docx", "pdf": "pdf"}


def render(repo: Path, out: Path, *args: str) -> tuple[int, str]:
    result = run_cli("mou", "render", str(repo), "--out", str(out), *args)
    assert "Traceback" not in result.output
    return result.exit_code, result.output


@pytest.fixture
def example(estate: Callable[..., Path]) -> Path:
    """The minimal example copied outside Git (so its provenance reads "not in git")."""
    return estate()


# ------------------------------------------------------------------------------------------------ formats


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_example_mou_renders_in_every_format(example: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "out"
    code, output = render(example, out, "--all", "--format", fmt)
    assert code == 0, output
    names = sorted(p.name for p in out.iterdir())
    assert names == [f"{m}.{FORMATS[fmt]}" for m in EXAMPLE_MOUS]
    for name in names:
        data = (out / name).read_bytes()
        assert len(data) > 1000
        if fmt == "pdf":
            assert data.startswith(b"%PDF-")
        elif fmt == "docx":
            assert zipfile.is_zipfile(out / name)
        else:
            text = data.decode("utf-8")
            assert "NHS North East and North Cumbria" in text or "NHS Humber and North Yorkshire" in text


@pytest.mark.parametrize("mou_id", EXAMPLE_MOUS)
def test_markdown_matches_golden(example: Path, tmp_path: Path, mou_id: str) -> None:
    out = tmp_path / "out"
    assert render(example, out, "--all")[0] == 0
    got = (out / f"{mou_id}.md").read_text(encoding="utf-8")
    golden = GOLDEN / f"{mou_id}.md"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(got, encoding="utf-8", newline="\n")
    assert got == golden.read_text(encoding="utf-8"), "re-run with UPDATE_GOLDEN=1 after a deliberate change"


def test_markdown_content_comes_from_spec_estate_and_pack(example: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    render(example, out, "--icb", "QOQ")
    text = (out / "mou-QOQ-2024.md").read_text(encoding="utf-8")
    # The arrangement row: provider, type, segment, lead, support and the pack's meaning of segment 4.
    row = next(line for line in text.splitlines() if "(RWA)" in line and line.startswith("|"))
    cells = [c.strip() for c in row.strip("|").split(" | ")]
    assert cells[:5] == [
        "Hull University Teaching Hospitals NHS Trust (RWA)", "acute", "4",
        "NHS England North East and Yorkshire (Y63)",
        "NHS England (X24); NHS Humber and North Yorkshire Integrated Care Board (QOQ)",
    ]
    assert cells[5].startswith("Recovery Support Programme. Reporting: Intensive reporting")
    assert "| 4 (Recovery Support Programme) | Regional Recovery Support Programme board" in text
    assert "In force from 1 April 2024 to 31 March 2025." in text
    assert "review this memorandum by 1 October 2024" in text
    assert "policy pack `sof-2022-23`" in text
    assert "Git revision not in git" in text
    # QOQ is in segment 3 and hosts no segment-1 provider: no offers, and the document says why.
    assert "carries the peer-support duty (1)" in text
    assert not re.search(r"\d{2}:\d{2}", text), "no wall-clock time in a document"


def test_only_the_named_icb_is_rendered(example: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, output = render(example, out, "--icb", "qhm")
    assert code == 0
    assert [p.name for p in out.iterdir()] == ["mou-QHM-2024.md"]
    assert "wrote" in output


def test_rendering_twice_is_byte_identical(example: Path, tmp_path: Path) -> None:
    for fmt in ("markdown", "html", "docx", "pdf"):
        first, second = tmp_path / f"a-{fmt}", tmp_path / f"b-{fmt}"
        assert render(example, first, "--all", "--format", fmt)[0] == 0
        assert render(example, second, "--all", "--format", fmt)[0] == 0
        for path in first.iterdir():
            other = second / path.name
            if fmt == "docx":
                with zipfile.ZipFile(path) as a, zipfile.ZipFile(other) as b:
                    assert a.read("word/document.xml") == b.read("word/document.xml")
                    assert a.read("docProps/core.xml") == b.read("docProps/core.xml")
            assert path.read_bytes() == other.read_bytes(), path.name


def test_output_does_not_depend_on_the_current_folder(example: Path, tmp_path: Path) -> None:
    out_a, out_b = tmp_path / "a", tmp_path / "b"
    run_cli("mou", "render", str(example), "--all", "--out", str(out_a))
    run_cli("mou", "render", ".", "--all", "--out", str(out_b), cwd=example)
    for path in out_a.iterdir():
        assert path.read_bytes() == (out_b / path.name).read_bytes()
    assert "from `mous/QHM.yaml`" in (out_a / "mou-QHM-2024.md").read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------------------ DOCX


def _spec_rows(repo: Path, name: str) -> list[dict[str, object]]:
    spec = yaml.safe_load((repo / "mous" / name).read_text(encoding="utf-8"))
    rows: list[dict[str, object]] = spec["arrangements"]
    return rows


def _providers(repo: Path) -> dict[str, dict[str, object]]:
    docs = yaml.safe_load_all((repo / "organisations" / "providers.yaml").read_text(encoding="utf-8"))
    return {d["code"]: d for d in docs}


def _code(label: str) -> str:
    match = re.fullmatch(r".* \(([A-Z0-9]{3,6})\)", label)
    assert match, label
    return match.group(1)


@pytest.mark.parametrize(("mou_id", "spec"), [("mou-QHM-2024", "QHM.yaml"), ("mou-QOQ-2024", "QOQ.yaml")])
def test_docx_arrangement_table_matches_the_spec_row_by_row(example: Path, tmp_path: Path, mou_id: str,
                                                            spec: str) -> None:
    out = tmp_path / "out"
    assert render(example, out, "--all", "--format", "docx")[0] == 0
    document = docx.Document(str(out / f"{mou_id}.docx"))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Provider")
    header = [c.text for c in table.rows[0].cells]
    assert header == ["Provider", "Type", "Segment", "Lead", "Support",
                      "What the segment means for reporting and intervention"]
    assert table.style is not None and table.style.name == "Light Grid Accent 1"
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    arrangements = _spec_rows(example, spec)
    providers = _providers(example)
    assert len(rows) == len(arrangements)
    for cells, arrangement in zip(rows, arrangements, strict=True):
        provider = providers[str(arrangement["provider"])]
        assert _code(cells[0]) == arrangement["provider"]
        assert cells[0] == f"{provider['name']} ({provider['code']})"
        assert cells[1] == provider["type"]
        assert cells[2] == str(provider["segment"])
        assert _code(cells[3]) == arrangement["lead"]
        support = arrangement.get("support") or []
        assert [_code(s) for s in cells[4].split("; ")] == support if support else cells[4] == "-"
        assert cells[5] and cells[5] != "-"


def test_docx_has_headings_page_numbers_and_fixed_properties(example: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    render(example, out, "--icb", "QHM", "--format", "docx")
    path = out / "mou-QHM-2024.docx"
    document = docx.Document(str(path))
    headings = [p.text for p in document.paragraphs if p.style is not None and p.style.name.startswith("Heading")]
    assert headings[:4] == ["Parties", "Period", "Purpose", "The memorandum of understanding"]
    assert "Oversight arrangements" in headings and "Signatories" in headings
    with zipfile.ZipFile(path) as archive:
        footers = [archive.read(n).decode() for n in archive.namelist() if n.startswith("word/footer")]
    assert any(" PAGE " in f and " NUMPAGES " in f for f in footers)
    props = document.core_properties
    assert props.created is not None and props.created.isoformat().startswith("2024-04-01")
    assert props.modified == props.created
    assert props.identifier.startswith("oafctl:mou=mou-QHM-2024;sha256=")


# ------------------------------------------------------------------------------------------------ escaping

NASTY = '<script>alert("x")</script> {{ 7*7 }} {% raw %} & Söhne — Ærø | Łódź NHS Trust'


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.scripts += tag == "script"

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)


def test_hostile_names_come_out_escaped_and_intact(estate: Callable[..., Path], tmp_path: Path) -> None:
    repo = estate()
    edit(repo, "organisations/providers.yaml", "name: Gateshead Health NHS Foundation Trust",
         f"name: '{NASTY}'")
    out = tmp_path / "out"
    for fmt in ("markdown", "html", "docx"):
        assert render(repo, out, "--icb", "QHM", "--format", fmt)[0] == 0

    page = (out / "mou-QHM-2024.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "{{ 7*7 }}" in page and "49" not in page
    assert html.escape(NASTY, quote=True).replace("&#x27;", "&#39;") in page.replace("&#34;", "&quot;")
    parser = _Text()
    parser.feed(page)
    assert parser.scripts == 0
    assert f"{NASTY} (RR7)" in "".join(parser.chunks)

    markdown = (out / "mou-QHM-2024.md").read_text(encoding="utf-8")
    assert f"| {NASTY.replace('|', chr(92) + '|')} (RR7) |" in markdown  # literal; `|` escaped in the table

    document = docx.Document(str(out / "mou-QHM-2024.docx"))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert f"{NASTY} (RR7)" in cells


# ------------------------------------------------------------------------------------------------ validity


def test_render_refuses_an_mou_whose_estate_fails(estate: Callable[..., Path], tmp_path: Path) -> None:
    repo = estate()
    edit(repo, "mous/QHM.yaml", "    lead: QHM\n    support: [Y63]", "    lead: Y63\n    support: [Y63]")
    out = tmp_path / "out"
    result = run_cli("mou", "render", str(repo), "--all", "--out", str(out))
    assert result.exit_code == 1
    assert "refused mou-QHM-2024" in result.stderr and "OAF003" in result.stderr
    assert "QHM.yaml:" in result.stderr
    # The other ICB's MOU is valid and still written; the refused one is not.
    assert sorted(p.name for p in out.iterdir()) == ["mou-QOQ-2024.md"]


def test_allow_invalid_stamps_and_lists_the_findings(estate: Callable[..., Path], tmp_path: Path) -> None:
    repo = estate()
    edit(repo, "mous/QHM.yaml", "    lead: QHM\n    support: [Y63]", "    lead: Y63\n    support: [Y63]")
    out = tmp_path / "out"
    for fmt in ("markdown", "html", "docx"):
        code, output = render(repo, out, "--icb", "QHM", "--allow-invalid", "--format", fmt)
        assert code == 0 and "DRAFT — NOT VALID" in output
    text = (out / "mou-QHM-2024.md").read_text(encoding="utf-8")
    assert text.startswith("> **DRAFT — NOT VALID**")
    assert "## Validation findings" in text
    assert re.search(r"- OAF003 at .*mous/QHM\.yaml:\d+:\d+: .*RVW", text)
    assert "DRAFT — NOT VALID" in (out / "mou-QHM-2024.html").read_text(encoding="utf-8")
    document = docx.Document(str(out / "mou-QHM-2024.docx"))
    assert document.sections[0].header.paragraphs[0].text == "DRAFT — NOT VALID"
    assert any("OAF003" in p.text for p in document.paragraphs)


def test_findings_elsewhere_do_not_block(estate: Callable[..., Path], tmp_path: Path) -> None:
    repo = estate()
    # A problem in QOQ's MOU (a provider in segment 4 without NHS England national in support).
    edit(repo, "mous/QOQ.yaml", "support: [X24, QOQ]", "support: [QOQ]")
    out = tmp_path / "out"
    code, output = render(repo, out, "--icb", "QHM")
    assert code == 0, output
    code, output = render(repo, out, "--icb", "QOQ")
    assert code == 1


def test_draft_status_is_stamped(estate: Callable[..., Path], tmp_path: Path) -> None:
    repo = estate()
    edit(repo, "mous/QOQ.yaml", "status: signed", "status: draft")
    out = tmp_path / "out"
    for fmt in ("markdown", "html", "docx"):
        assert render(repo, out, "--icb", "QOQ", "--format", fmt)[0] == 0
    assert (out / "mou-QOQ-2024.md").read_text(encoding="utf-8").startswith("> **DRAFT** — not yet signed.")
    assert '<p class="stamp" role="note"><strong>DRAFT</strong>' in (out / "mou-QOQ-2024.html").read_text("utf-8")
    assert docx.Document(str(out / "mou-QOQ-2024.docx")).sections[0].header.paragraphs[0].text == "DRAFT"
    render(repo, out, "--icb", "QHM")
    assert "DRAFT" not in (out / "mou-QHM-2024.md").read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------------------ usage


@pytest.mark.parametrize(("args", "message"), [
    ((), "name the ICB whose MOU to render with --icb CODE, or use --all"),
    (("--all", "--icb", "QHM"), "use either --icb CODE or --all"),
    (("--icb", "QHX"), "no ICB 'QHX' in the estate on 2024-06-01; did you mean 'QHM'?"),
    (("--icb", "QHM", "--as-of", "2026-01-01", "--framework", "sof-2022-23"),
     "ICB QHM has no MOU in force on 2026-01-01 (mou-QHM-2024 runs 2024-04-01 to 2025-03-31"),
    (("--all", "--format", "odt"), "Invalid value for '--format'"),
])
def test_usage_errors_are_one_line(example: Path, tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    result = run_cli("mou", "render", str(example), "--out", str(tmp_path / "out"), *args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_own_templates_override_the_shipped_ones(example: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "mou.md").write_text("Local MOU {{ doc.id }} for {{ doc.icb.label }}\n{{ doc.provenance.marker }}\n",
                                      encoding="utf-8")
    out = tmp_path / "out"
    assert render(example, out, "--icb", "QHM", "--template-dir", str(templates))[0] == 0
    text = (out / "mou-QHM-2024.md").read_text(encoding="utf-8")
    assert text.startswith("Local MOU mou-QHM-2024 for NHS North East and North Cumbria Integrated Care Board (QHM)")
    # The HTML template is not overridden, so the shipped one is used.
    assert render(example, out, "--icb", "QHM", "--template-dir", str(templates), "--format", "html")[0] == 0
    assert "<h2>Oversight arrangements</h2>" in (out / "mou-QHM-2024.html").read_text(encoding="utf-8")


def test_a_template_without_the_marker_is_warned_about(example: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "mou.md").write_text("MOU {{ doc.id }}\n", encoding="utf-8")
    result = run_cli("mou", "render", str(example), "--all", "--out", str(tmp_path / "out"),
                     "--template-dir", str(templates))
    assert result.exit_code == 0
    assert result.stderr.count("does not write {{ doc.provenance.marker }}") == 1
    assert (tmp_path / "out" / "mou-QHM-2024.md").read_text(encoding="utf-8") == "MOU mou-QHM-2024\n"


@pytest.mark.parametrize(("template", "message"), [
    ("{% for x in %}", "mou.md:1: template syntax error"),
    ("{{ doc.no_such_field }}", "template mou.md:"),
])
def test_broken_templates_are_usage_errors(example: Path, tmp_path: Path, template: str, message: str) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "mou.md").write_text(template, encoding="utf-8")
    result = run_cli("mou", "render", str(example), "--icb", "QHM", "--out", str(tmp_path / "out"),
                     "--template-dir", str(templates))
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_pdf_without_weasyprint_is_a_clear_usage_error(example: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # makes `import weasyprint` raise ImportError
    result = run_cli("mou", "render", str(example), "--icb", "QHM", "--out", str(tmp_path / "out"), "--format", "pdf")
    assert result.exit_code == 2
    assert "PDF output needs WeasyPrint" in result.output and "oafctl[pdf]" in result.output


# ------------------------------------------------------------------------------------------------ provenance


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false",
                           *args], cwd=repo, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_provenance_names_the_spec_revision(example: Path, tmp_path: Path) -> None:
    _git(example, "init", "-q")
    _git(example, "add", ".")
    _git(example, "commit", "-q", "-m", "estate")
    head = _git(example, "log", "-1", "--format=%H", "--", "mous/QHM.yaml")
    out = tmp_path / "out"
    render(example, out, "--icb", "QHM")
    text = (out / "mou-QHM-2024.md").read_text(encoding="utf-8")
    assert f"(Git revision {head})" in text
    digest = re.search(r"sha256=([0-9a-f]{64})", text)
    assert digest is not None
    # An uncommitted edit is noted; a comment changes neither the hash nor anything else shown.
    with (example / "mous" / "QHM.yaml").open("a", encoding="utf-8") as f:
        f.write("# reviewed\n")
    render(example, out, "--icb", "QHM")
    again = (out / "mou-QHM-2024.md").read_text(encoding="utf-8")
    assert f"(Git revision {head} (with uncommitted changes))" in again
    assert f"sha256={digest.group(1)}" in again


def test_a_reference_docx_supplies_styles_and_page_setup(example: Path, tmp_path: Path) -> None:
    from docx.shared import Mm

    templates = tmp_path / "templates"
    templates.mkdir()
    reference = docx.Document()
    reference.add_paragraph("placeholder body that must not survive")
    reference.sections[0].left_margin = Mm(33)
    reference.styles["Heading 1"].font.name = "Frutiger"
    reference.save(str(templates / "mou.docx"))
    out = tmp_path / "out"
    assert render(example, out, "--icb", "QHM", "--format", "docx", "--template-dir", str(templates))[0] == 0
    document = docx.Document(str(out / "mou-QHM-2024.docx"))
    margin = docx.Document(str(templates / "mou.docx")).sections[0].left_margin
    assert margin is not None and abs(margin - Mm(33)) < Mm(0.1)
    assert document.sections[0].left_margin == margin
    assert document.styles["Heading 1"].font.name == "Frutiger"
    texts = [p.text for p in document.paragraphs]
    assert "placeholder body that must not survive" not in texts
    assert "Oversight arrangements" in texts


def test_a_broken_reference_docx_is_a_usage_error(example: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "mou.docx").write_bytes(b"not a word document")
    result = run_cli("mou", "render", str(example), "--icb", "QHM", "--format", "docx", "--out",
                     str(tmp_path / "out"), "--template-dir", str(templates))
    assert result.exit_code == 2
    assert "mou.docx: not a Word document" in result.output
