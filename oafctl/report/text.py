"""`--format text`: findings grouped by file, with the offending source line, and a one-line summary.

Colour only on a terminal, never when NO_COLOR is set (rich honours both)."""

from __future__ import annotations

from itertools import groupby
from typing import TYPE_CHECKING, TextIO

from rich.console import Console
from rich.text import Text

from oafctl import __version__
from oafctl.report.json_report import summary

if TYPE_CHECKING:
    from oafctl.engine import Run

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def render(run: Run, stream: TextIO) -> None:
    console = Console(file=stream, highlight=False, markup=False, emoji=False, soft_wrap=True)
    sources = run.sources
    header = Text()
    header.append(f"oafctl {__version__}", style="bold")
    header.append(f" · framework {run.pack.id} · as of {run.as_of.isoformat()} ({run.as_of_from})")
    header.append(f" · {_plural(len(run.files), 'file')}, {_plural(run.organisations, 'organisation')}")
    console.print(header)
    for file, group in groupby(run.findings, key=lambda f: f.file):
        console.print()
        console.print(Text(file, style="bold underline"))
        lines = sources.get(file, "").split("\n")
        for f in group:
            row = Text("  ")
            row.append(f"{f.line}:{f.column}".ljust(8))
            row.append(f.severity.ljust(8), style=_STYLE[f.severity] if not f.waived else "dim")
            row.append(f.rule.ljust(8), style="bold")
            row.append(f.message)
            if f.waived:
                row.append(f"  [waived: {f.waiver_reason}]", style="dim")
            console.print(row)
            if 0 < f.line <= len(lines) and lines[f.line - 1].strip():
                source_line = lines[f.line - 1].rstrip()
                if len(source_line) > 200:
                    source_line = source_line[:200] + "…"
                gutter = f"{f.line:>6} │ "
                console.print(Text(gutter, style="dim") + Text(source_line))
                # keep the line's tabs before the column, so that the caret lines up once tabs are expanded
                pad = "".join("\t" if ch == "\t" else " " for ch in source_line[: f.column - 1])
                caret = " " * (len(gutter) - 2) + "│ " + pad.ljust(f.column - 1) + "^"
                console.print(Text(caret, style="dim"))
            if f.hint:
                console.print(Text(f"         hint: {f.hint}", style="dim"))
    counts = summary(run)
    console.print()
    files_with = len({f.file for f in run.findings if not f.waived})
    if counts["errors"] or counts["warnings"] or counts["infos"]:
        line = Text("✖ ", style="bold red" if counts["errors"] else "yellow")
        parts = [_plural(counts["errors"], "error"), _plural(counts["warnings"], "warning")]
        if counts["infos"]:
            parts.append(_plural(counts["infos"], "note"))
        line.append(", ".join(parts) + f" in {_plural(files_with, 'file')}")
    else:
        line = Text("✔ ", style="bold green")
        line.append("no findings")
    if counts["waived"]:
        line.append(f" ({counts['waived']} waived)")
    console.print(line)
