"""`--format github`: GitHub Actions workflow commands, so each finding is annotated on its line in the
pull request (`::error file=…,line=…,col=…,title=…::message`).

GitHub shows only the first few annotations of a step, so the action also writes the full findings to the
job summary (`--format markdown`). Waived findings become notices, so that they are seen but never fail.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from oafctl.report.json_report import summary
from oafctl.report.markdown import headline

if TYPE_CHECKING:
    from oafctl.engine import Run

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    """The message part: %, CR and LF are escaped (the runner's own escaping rules)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value: as data, plus `:` and `,`, which separate properties."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(run: Run, stream: TextIO) -> None:
    for f in run.findings:
        command = "notice" if f.waived else COMMANDS[f.severity]
        title = f"{f.rule}" + (" (waived)" if f.waived else "")
        message = f.message
        if f.waived:
            message += f" [waived: {f.waiver_reason}]"
        elif f.hint:
            message += f"\nhint: {f.hint}"
        props = (f"file={escape_property(f.file)},line={f.line},col={f.column},"
                 f"title={escape_property(title)}")
        stream.write(f"::{command} {props}::{escape_data(message)}\n")
    counts = summary(run)
    stream.write(f"oafctl: {headline(counts)} ({run.pack.id}, as of {run.as_of.isoformat()})\n")
