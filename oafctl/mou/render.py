"""Render an MOU view as Markdown, HTML (Jinja2 templates in `mou/`), DOCX (python-docx) or PDF (WeasyPrint).

Templates are looked up first in `--template-dir`, then in the shipped `mou/` folder, so a governance team
can replace one template and keep the others. HTML templates are autoescaped; the Markdown template writes
values literally (it is a plain-text record), escaping only what would break a table row.
"""

from __future__ import annotations

import functools
import io
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import jinja2

from oafctl.mou.view import MouView
from oafctl.resources import data_dir

FORMATS: dict[str, str] = {"markdown": "md", "html": "html", "docx": "docx", "pdf": "pdf"}
"""Format name → file extension."""

TEMPLATES = {"markdown": "mou.md", "html": "mou.html"}

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
"""Every member of a rendered DOCX carries this time, so the same document gives the same bytes."""


class RenderError(Exception):
    """A document cannot be produced (a broken template, PDF support missing): a usage error."""


def longdate(value: str | date) -> str:
    """`2024-04-01` → `1 April 2024`, the way NHS documents write dates (no locale involved)."""
    day = value if isinstance(value, date) else date.fromisoformat(value)
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def cell(value: Any) -> str:
    """A value on one Markdown table row: whitespace collapsed, `|` escaped."""
    return " ".join(str(value).split()).replace("|", "\\|")


def paragraphs(value: str | None) -> list[str]:
    """Free text split at blank lines, each paragraph on one line (HTML `<p>` per paragraph)."""
    if not value:
        return []
    return [" ".join(block.split()) for block in value.split("\n\n") if block.strip()]


@functools.cache
def environment(template_dir: Path | None = None) -> jinja2.Environment:
    """Jinja2 with HTML autoescaping, undefined names as errors, and the shipped templates as fallback.
    One per template folder, so that templates compile once per run (Jinja2 reloads a changed file)."""
    search = [str(template_dir)] if template_dir is not None else []
    search.append(str(data_dir("mou")))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(search, encoding="utf-8"),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "htm", "xml"), default_for_string=True,
                                            default=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["longdate"] = longdate
    env.filters["cell"] = cell
    env.filters["paragraphs"] = paragraphs
    return env


def render_text(view: MouView, fmt: str, env: jinja2.Environment) -> str:
    """Markdown or HTML text of the document."""
    name = TEMPLATES[fmt]
    try:
        template = env.get_template(name)
        text = template.render(doc=view)
    except jinja2.TemplateNotFound as exc:
        raise RenderError(f"template {exc.name!r} not found in {', '.join(env.loader.searchpath)}"  # type: ignore[union-attr]
                          ) from exc
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(f"{exc.filename or exc.name}:{exc.lineno}: template syntax error: {exc.message}") from exc
    except jinja2.UndefinedError as exc:
        raise RenderError(f"template {name}: {exc.message}") from exc
    # One trailing newline, no trailing blank lines: the output does not depend on template whitespace.
    lines = [line.rstrip() for line in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    collapsed: list[str] = []
    for line in lines:
        if not line and collapsed and not collapsed[-1]:
            continue
        collapsed.append(line)
    return "\n".join(collapsed) + "\n"


def render_pdf(html: str) -> bytes:
    """PDF from the HTML page through WeasyPrint (the `pdf` extra); a clear error when it is missing."""
    try:
        import weasyprint  # type: ignore[import-untyped]
    except (ImportError, OSError) as exc:
        raise RenderError(
            "PDF output needs WeasyPrint and its system libraries (Pango): pip install 'oafctl[pdf]' "
            f"({type(exc).__name__}: {exc})".splitlines()[0]) from None
    pdf: bytes = weasyprint.HTML(string=html).write_pdf()
    return pdf


def fixed_zip(data: bytes) -> bytes:
    """Rewrite a zip (a DOCX) with fixed member times, so identical content gives identical bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def render(view: MouView, fmt: str, template_dir: Path | None = None) -> bytes:
    """The document in `fmt` (a key of FORMATS), as bytes ready to write."""
    if fmt == "docx":
        from oafctl.mou.docx_writer import write_docx

        return fixed_zip(write_docx(view, template_dir))
    env = environment(template_dir)
    if fmt == "pdf":
        return render_pdf(render_text(view, "html", env))
    return render_text(view, fmt, env).encode("utf-8")
