"""Inline waivers: `# oafctl-ignore: OAF004 reason…` comments, read from each file's text by the loader.

libyaml drops comments, so they are found in the text itself. The syntax:

    segment: 1   # oafctl-ignore: OAF004 offer agreed at the March board, recorded next quarter
    # oafctl-ignore: OAF003,OAF005 until 2024-12-31 interim arrangement while the MOU is re-signed
    - provider: RTD

A comment after a value waives findings on that line; a comment on a line of its own waives findings on the
next line that holds YAML. `until YYYY-MM-DD` sets an expiry (the waiver stops applying after that day and is
itself reported, OAF020); a reason is required, because a waiver without one cannot be reviewed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MARKER = "oafctl-ignore:"
RULE_ID = r"[A-Z][A-Z0-9_-]*[0-9]+"
_COMMENT_RE = re.compile(r"(?:^|\s)#\s*oafctl-ignore:(?P<body>.*)$")
_BODY_RE = re.compile(
    rf"\s*(?P<rules>{RULE_ID}(?:\s*,\s*{RULE_ID})*)"
    r"(?:\s+until\s+(?P<until>\S+))?"
    r"(?:\s+(?P<reason>\S.*?))?\s*$"
)


@dataclass(frozen=True, slots=True)
class InlineIgnore:
    """One `oafctl-ignore` comment: which rules it waives on which line, why, and until when."""

    file: str
    line: int
    """Where the comment is (1-based), for findings about the waiver itself."""
    column: int
    target_line: int
    """The line whose findings it waives."""
    rules: tuple[str, ...]
    reason: str
    until: date | None = None


@dataclass(frozen=True, slots=True)
class CommentProblem:
    """A malformed `oafctl-ignore` comment (reported as OAF000 by the loader)."""

    line: int
    column: int
    message: str
    hint: str


def _next_yaml_line(lines: list[str], index: int) -> int:
    """The 1-based number of the first line after `index` that is neither blank nor a comment."""
    for later in range(index + 1, len(lines)):
        stripped = lines[later].strip()
        if stripped and not stripped.startswith("#"):
            return later + 1
    return index + 1


def parse_ignores(text: str, file: str) -> tuple[list[InlineIgnore], list[CommentProblem]]:
    """Every `oafctl-ignore` comment in `text`, and the malformed ones."""
    if MARKER not in text:
        return [], []
    ignores: list[InlineIgnore] = []
    problems: list[CommentProblem] = []
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if MARKER not in line:
            continue
        found = _COMMENT_RE.search(line)
        if found is None:
            continue
        column = line.index("#", found.start()) + 1
        body = _BODY_RE.fullmatch(found.group("body"))
        if body is None:
            problems.append(CommentProblem(
                index + 1, column, "malformed oafctl-ignore comment: name the rule IDs first",
                "write `# oafctl-ignore: OAF004 reason…` (several rules: `OAF003,OAF005`)"))
            continue
        until: date | None = None
        if body.group("until") is not None:
            try:
                until = date.fromisoformat(body.group("until"))
            except ValueError:
                problems.append(CommentProblem(
                    index + 1, column, f"oafctl-ignore: `until {body.group('until')}` is not a date written "
                    "YYYY-MM-DD", "write `until 2025-03-31`"))
                continue
        reason = (body.group("reason") or "").strip()
        if not reason:
            problems.append(CommentProblem(
                index + 1, column, "oafctl-ignore comment without a reason",
                "say why the finding is accepted: `# oafctl-ignore: OAF004 reason…`"))
            continue
        own_line = not line[: column - 1].strip()
        target = _next_yaml_line(lines, index) if own_line else index + 1
        rules = tuple(sorted({r.strip() for r in body.group("rules").split(",")}))
        ignores.append(InlineIgnore(file, index + 1, column, target, rules, reason, until))
    return ignores, problems
