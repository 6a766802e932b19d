"""The MOU as a Word document (python-docx): what NHS boards circulate.

Headings, a styled arrangements table, a footer with "Page N of M" fields, and fixed core properties so
that rendering twice gives the same document XML. A governance team can supply its own styles as
`mou.docx` in `--template-dir` (its body is replaced; its styles, headers and page setup are kept).
Values are written as text runs, so `<script>` or `{{ }}` in a name stays literal.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import docx
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

from oafctl.mou.render import RenderError, longdate
from oafctl.mou.view import MouView

TABLE_STYLE = "Light Grid Accent 1"
RED = RGBColor(0xD5, 0x28, 0x1B)

ARRANGEMENT_HEADERS = ("Provider", "Type", "Segment", "Lead", "Support",
                       "What the segment means for reporting and intervention")


def _field(paragraph: Paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in when it lays the document out."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    shown = OxmlElement("w:t")
    shown.text = "1"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, text, separate, shown, end):
        run._r.append(element)


def _table(document: DocxDocument, headers: tuple[str, ...], rows: list[tuple[str, ...]], style: Any) -> Table:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = style
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    # The header row repeats on every page.
    header_props = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_props.append(repeat)
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = text
    return table  # type: ignore[no-any-return]


def _paragraphs(document: DocxDocument, text: str | None, fallback: str = "Not stated.") -> None:
    for block in (text or fallback).split("\n\n"):
        if block.strip():
            document.add_paragraph(" ".join(block.split()))


def _style(document: DocxDocument, name: str) -> Any:
    """A style by name, looked up once (python-docx scans every style on each lookup); None if absent."""
    try:
        return document.styles[name]
    except KeyError:
        return None


def _bullet(document: DocxDocument, style: Any, text: str) -> Paragraph:
    if style is None:
        return document.add_paragraph(f"• {text}")
    return document.add_paragraph(text, style=style)


def arrangement_cells(view: MouView) -> list[tuple[str, ...]]:
    """The arrangements table as text, row by row (also what the tests compare with the spec)."""
    rows: list[tuple[str, ...]] = []
    for row in view.rows:
        meaning = "-"
        if row.meaning is not None:
            meaning = (f"{row.meaning.title}. Reporting: {row.meaning.reporting} "
                       f"Intervention: {row.meaning.intervention}")
        if row.reporting:
            meaning += f" Agreed reporting: {row.reporting}."
        rows.append((
            row.provider.label,
            row.type,
            str(row.segment) if row.segment is not None else "-",
            row.lead.label,
            "; ".join(s.label for s in row.support) or "-",
            meaning,
        ))
    return rows


def write_docx(view: MouView, template_dir: Path | None = None) -> bytes:
    reference = template_dir / "mou.docx" if template_dir is not None else None
    try:
        if reference is not None and reference.is_file():
            document = docx.Document(str(reference))
            body = document.element.body
            for child in list(body):
                if child.tag != qn("w:sectPr"):
                    body.remove(child)
        else:
            document = docx.Document()
    except Exception as exc:  # python-docx raises several types for a file that is not a DOCX
        raise RenderError(f"{reference}: not a Word document ({exc})") from None

    bullet = _style(document, "List Bullet")
    quote_style = _style(document, "Quote")
    table_style = _style(document, TABLE_STYLE) or _style(document, "Table Grid")

    props = document.core_properties
    fixed = datetime.fromisoformat(view.effective).replace(tzinfo=UTC)
    props.title = view.title
    props.subject = f"Memorandum of understanding {view.id}"
    props.author = "oafctl"
    props.last_modified_by = "oafctl"
    props.identifier = view.provenance.marker
    props.keywords = view.provenance.marker
    props.comments = f"Generated from {view.provenance.spec_file}; SHA-256 {view.provenance.sha256}"
    props.revision = 1
    props.created = fixed
    props.modified = fixed
    props.last_printed = fixed
    props.content_status = view.stamp or view.status

    section = document.sections[0]
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(f"{view.id} · Page ")
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")
    if view.stamp:
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
        stamp = header.add_run(view.stamp)
        stamp.bold = True
        stamp.font.color.rgb = RED

    if view.stamp:
        para = document.add_paragraph()
        run = para.add_run(view.stamp)
        run.bold = True
        run.font.size = Pt(16)
        run.font.color.rgb = RED
        if view.problems:
            para.add_run(" — rendered from an estate that fails oafctl validate; the findings are listed at the end.")
        elif view.status == "draft":
            para.add_run(" — not yet signed.")
    document.add_heading(view.title, level=0)
    document.add_paragraph(f"Memorandum of understanding {view.id} · status: {view.status}")

    document.add_heading("Parties", level=1)
    _bullet(document, bullet, f"{view.icb.label}, the integrated care board")
    _bullet(document, bullet, f"{view.region.label}, the regional team")

    document.add_heading("Period", level=1)
    document.add_paragraph(f"In force from {longdate(view.effective)} to {longdate(view.expires)}.")

    document.add_heading("Purpose", level=1)
    if view.purpose:
        _paragraphs(document, view.purpose)
    framework = view.framework
    basis = f"This memorandum rests on the {framework.title} (policy pack {framework.pack_id})."
    document.add_paragraph(f"{basis} {framework.summary}".strip())
    for quote in framework.texts:
        document.add_heading(quote.topic, level=2)
        if quote.quote:
            document.add_paragraph(quote.quote, style=quote_style)
            document.add_paragraph(f"— {quote.cite}")
        else:
            document.add_paragraph(f"{quote.summary} ({quote.cite})")

    document.add_heading("Oversight arrangements", level=1)
    _table(document, ARRANGEMENT_HEADERS, arrangement_cells(view), table_style)
    noted = [row for row in view.rows if row.notes]
    if noted:
        document.add_heading("Notes", level=2)
        for row in noted:
            _bullet(document, bullet, f"{row.provider.label}: {row.notes}")

    document.add_heading("Peer support", level=1)
    for offer in view.offers:
        text = f"{offer.organisation.label} (segment {offer.segment}): {offer.offer or 'no offer declared'}"
        if offer.partners:
            text += f" Partners: {'; '.join(p.label for p in offer.partners)}."
        _bullet(document, bullet, text)
    if not view.offers:
        segments = ", ".join(str(s) for s in view.peer_support_segments)
        document.add_paragraph("No organisation in this memorandum is in a segment that carries the peer-support "
                               f"duty ({segments}).")

    document.add_heading("Ways of working", level=1)
    _paragraphs(document, view.ways_of_working)

    document.add_heading("Escalation", level=1)
    if view.escalation_routes:
        _table(document, ("Segment", "Route"), [
            (f"{r.segment} ({r.title})" if r.title else str(r.segment), r.route) for r in view.escalation_routes],
            table_style)
    else:
        _paragraphs(document, view.escalation_text)

    document.add_heading("Information sharing", level=1)
    _paragraphs(document, view.information_sharing)
    for title, body in view.sections:
        document.add_heading(title, level=1)
        _paragraphs(document, body)

    document.add_heading("Review", level=1)
    document.add_paragraph(f"The parties will review this memorandum by {longdate(view.review_date)}."
                           if view.review_date else "No review date is set.")

    document.add_heading("Signatories", level=1)
    if view.signatories:
        _table(document, ("Name", "Role", "Organisation", "Signature", "Date"),
               [(s.name, s.role, s.organisation.label, "", "") for s in view.signatories], table_style)
    else:
        document.add_paragraph("No signatories are named.")

    if view.problems:
        document.add_heading("Validation findings", level=1)
        document.add_paragraph("This document is not valid: oafctl validate reports these errors about this "
                               "memorandum.")
        for problem in view.problems:
            _bullet(document, bullet, f"{problem.rule} at {problem.location}: {problem.message}")

    provenance = view.provenance
    para = document.add_paragraph()
    para.add_run(f"Generated by oafctl from {provenance.spec_file} (Git revision {provenance.git_revision}) under "
                 f"policy pack {provenance.pack_id}. SHA-256 of the spec and the estate facts shown: "
                 f"{provenance.sha256}").font.size = Pt(8)

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
