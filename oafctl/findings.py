"""Findings: what rules return and reporters format."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning", "info"]
SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}


def fingerprint(rule: str, key: Iterable[str]) -> str:
    """A hash of the rule and the logical object (codes, MOU id, field), never of a line number, so
    baselines and waivers survive unrelated edits."""
    text = "\x1f".join((rule, *key))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    severity: Severity
    file: str
    line: int
    column: int
    message: str
    organisations: tuple[str, ...] = ()
    hint: str = ""
    fingerprint: str = ""
    waived: bool = False
    waiver_reason: str = ""
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.line, self.column, self.rule, self.message)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=Finding.sort_key)


def at_or_above(finding: Finding, threshold: str) -> bool:
    return SEVERITY_RANK[finding.severity] >= SEVERITY_RANK[threshold]
