"""Write a Diff as text (rich, for a terminal), Markdown (a pull-request comment) or JSON.

Byte-stable: changes and findings are sorted, there are no timestamps, and the Markdown names each side by
the revision the user gave (the commit hashes are in the JSON), so the same two revisions give the same bytes.
"""

from __future__ import annotations

import json
from itertools import groupby
from typing import Any, TextIO

from oafctl import __version__
from oafctl.diff.compare import SECTIONS, Change, Diff, Side
from oafctl.findings import Finding
from oafctl.report.json_report import finding_record
from oafctl.report.markdown import code, findings_table, plural

FORMATS = ("text", "markdown", "json")


def _side(side: Side) -> dict[str, Any]:
    run = side.run
    return {"revision": side.label, "commit": side.commit, "framework": run.pack.id, "as_of": run.as_of.isoformat(),
            "files": len(run.files), "organisations": len(run.estate.declared),
            "findings": sum(1 for f in run.findings if not f.waived)}


def document(diff: Diff) -> dict[str, Any]:
    return {
        "oafctl": __version__,
        "base": _side(diff.base),
        "head": _side(diff.head),
        "summary": {"changes": len(diff.changes), "introduced": len(diff.introduced), "resolved": len(diff.resolved)},
        "changes": [{"section": c.section, "subject": c.subject, "text": c.text, "details": c.details}
                    for c in diff.changes],
        "findings": {"introduced": [finding_record(f) for f in diff.introduced],
                     "resolved": [finding_record(f) for f in diff.resolved],
                     "waived": [finding_record(f) for f in diff.waived],
                     "unwaived": [finding_record(f) for f in diff.unwaived]},
    }


def render_json(diff: Diff, stream: TextIO) -> None:
    stream.write(json.dumps(document(diff), indent=2, ensure_ascii=False, sort_keys=False))
    stream.write("\n")


def _headline(diff: Diff) -> str:
    return (f"{plural(len(diff.changes), 'change')}, {plural(len(diff.introduced), 'finding')} introduced, "
            f"{len(diff.resolved)} resolved")


def _sections(changes: list[Change]) -> list[tuple[str, list[Change]]]:
    return [(SECTIONS[section], list(group)) for section, group in groupby(changes, key=lambda c: c.section)]


def _escape(text: str) -> str:
    """Prose for a Markdown list item: one line, with the characters Markdown would act on escaped."""
    text = " ".join(text.split("\n"))
    for ch in "\\*_[]":
        text = text.replace(ch, "\\" + ch)
    return text.replace("<", "&lt;").replace(">", "&gt;")


def _md_text(text: str) -> str:
    """A change sentence in Markdown: its own `code` spans kept, everything else escaped."""
    parts = text.split("`")
    return "".join(code(part) if i % 2 else _escape(part) for i, part in enumerate(parts))


def render_markdown(diff: Diff, stream: TextIO) -> None:
    base, head = diff.base, diff.head
    out = [f"## oafctl diff: {_headline(diff)}", ""]
    context = f"{code(base.label)} → {code(head.label)} · framework {code(head.run.pack.id)}"
    if base.run.pack.id != head.run.pack.id:
        context += f" (was {code(base.run.pack.id)})"
    context += f" · as of {head.run.as_of.isoformat()}"
    if base.run.as_of != head.run.as_of:
        context += f" (was {base.run.as_of.isoformat()})"
    out += [context, ""]
    if not diff.changes:
        out += ["No change to organisations, segments, oversight arrangements, MOUs or accountability lines.", ""]
    for title, changes in _sections(diff.changes):
        out += [f"### {title}", ""]
        out += [f"- {_md_text(c.text)}" for c in changes]
        out.append("")
    for title, findings in (("Findings introduced", diff.introduced), ("Findings resolved", diff.resolved),
                            ("Findings waived by this change", diff.waived),
                            ("Findings no longer waived", diff.unwaived)):
        if findings:
            out += [f"### {title} ({len(findings)})", "", *findings_table(findings), ""]
    active = sum(1 for f in head.run.findings if not f.waived)
    out.append(f"After this change: {plural(active, 'finding')} in all"
               f" ({plural(len(head.run.files), 'file')}, {plural(len(head.run.estate.declared), 'organisation')}).")
    stream.write("\n".join(out) + "\n")


def _text_findings(console: Any, title: str, findings: list[Finding], style: str) -> None:
    from rich.text import Text

    if not findings:
        return
    console.print()
    console.print(Text(f"{title} ({len(findings)})", style="bold"))
    for f in findings:
        row = Text("  ")
        row.append(f"{f.severity:<8}", style=style if not f.waived else "dim")
        row.append(f"{f.rule:<8}", style="bold")
        row.append(f"{f.file}:{f.line}:{f.column}  ", style="dim")
        row.append(f.message)
        if f.waived:
            row.append(f"  [waived: {f.waiver_reason}]", style="dim")
        console.print(row)


def render_text(diff: Diff, stream: TextIO) -> None:
    from rich.console import Console
    from rich.text import Text

    console = Console(file=stream, highlight=False, markup=False, emoji=False, soft_wrap=True)
    header = Text()
    header.append(f"oafctl diff {diff.base.label} → {diff.head.label}", style="bold")
    header.append(f" · framework {diff.head.run.pack.id} · as of {diff.head.run.as_of.isoformat()}")
    console.print(header)
    if not diff.changes:
        console.print()
        console.print("No change to organisations, segments, oversight arrangements, MOUs or accountability lines.")
    for title, changes in _sections(diff.changes):
        console.print()
        console.print(Text(title, style="bold underline"))
        for c in changes:
            console.print(Text("  • ") + Text(c.text))
    _text_findings(console, "Findings introduced", diff.introduced, "bold red")
    _text_findings(console, "Findings resolved", diff.resolved, "green")
    _text_findings(console, "Findings waived by this change", diff.waived, "yellow")
    _text_findings(console, "Findings no longer waived", diff.unwaived, "bold red")
    console.print()
    console.print(Text(_headline(diff), style="bold red" if any(not f.waived for f in diff.introduced) else "bold"))


RENDERERS = {"text": render_text, "markdown": render_markdown, "json": render_json}
