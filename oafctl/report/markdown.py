"""`--format markdown`: the findings as a Markdown page (the GitHub job summary, a PR comment).

Byte-stable: sorted findings, no timestamps. The helpers here are shared by `oafctl diff` and `oafctl report`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from oafctl import __version__
from oafctl.findings import Finding
from oafctl.report.json_report import summary

if TYPE_CHECKING:
    from oafctl.engine import Run


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell: one line, pipes escaped, no stray HTML."""
    flat = " ".join(text.split())
    return flat.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def code(text: str) -> str:
    """Inline code that survives backticks in the text."""
    ticks = "``" if "`" in text else "`"
    pad = " " if "`" in text else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def findings_table(findings: list[Finding]) -> list[str]:
    """A table of findings: severity (or waived), rule, where, message."""
    rows = ["| Severity | Rule | Where | Message |", "|---|---|---|---|"]
    for f in findings:
        severity = f"waived ({f.severity})" if f.waived else f.severity
        message = f.message + (f" — *waived: {f.waiver_reason}*" if f.waived else "")
        if f.hint and not f.waived:
            message += f" — hint: {f.hint}"
        rows.append(f"| {severity} | {f.rule} | {code(f'{f.file}:{f.line}:{f.column}')} | {cell(message)} |")
    return rows


def headline(counts: dict[str, int]) -> str:
    parts = [plural(counts["errors"], "error"), plural(counts["warnings"], "warning")]
    if counts["infos"]:
        parts.append(plural(counts["infos"], "note"))
    if counts["waived"]:
        parts.append(f"{counts['waived']} waived")
    return ", ".join(parts)


def render(run: Run, stream: TextIO) -> None:
    counts = summary(run)
    clean = not (counts["errors"] or counts["warnings"] or counts["infos"])
    waived = f" ({counts['waived']} waived)" if counts["waived"] else ""
    out = [f"## oafctl validate: {'no findings' + waived if clean else headline(counts)}", ""]
    out.append(f"Framework {code(run.pack.id)} · as of {run.as_of.isoformat()} ({cell(run.as_of_from)}) · "
               f"{plural(counts['files'], 'file')}, {plural(counts['organisations'], 'organisation')} · "
               f"oafctl {__version__}")
    out.append("")
    if run.findings:
        out += findings_table(run.findings)
    else:
        out.append("Every rule passes.")
    stream.write("\n".join(out) + "\n")
