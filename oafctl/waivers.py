"""Waivers: a governance team accepts a known finding for a time.

Two forms, one behaviour:
- an inline comment `# oafctl-ignore: OAF004 reason…` (read by the loader, see oafctl/load/comments.py);
- a `kind: Waiver` document naming the rule, the organisations (or a finding's fingerprint), the reason, the
  approver and an expiry date.

A waiver in force marks the findings it matches `waived` (they stay in every report, with the reason); it
never deletes them. Expiry is judged on the run's `as_of` date, like everything else, so that a run can be
reproduced. An expired waiver waives nothing and is reported (OAF020); a waiver that matches no finding is
reported too (OAF021), so that stale waivers do not pile up.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Annotated, ClassVar, Literal

from pydantic import Field, StringConstraints, model_validator

from oafctl.findings import Finding
from oafctl.model.documents import Code, Document, IsoDate, Text, register_kind

if TYPE_CHECKING:
    from oafctl.engine import Run
    from oafctl.estate import Estate

RuleId = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9_-]*[0-9]+$"),
                   Field(description="A rule ID, e.g. OAF004")]
WAIVER_RULES = frozenset(("OAF020", "OAF021"))
"""Findings about waivers themselves are never waived (a waiver cannot hide its own expiry)."""


class Waiver(Document):
    """`kind: Waiver`: a finding accepted for a time, with who approved it and why."""

    KIND: ClassVar[str] = "Waiver"
    kind: Literal["Waiver"]
    id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")] | None = Field(
        None, description="A name for the waiver (optional)")
    rule: RuleId
    organisations: list[Code] = Field(
        default_factory=list,
        description="The organisations of the finding; every one listed must be among the finding's")
    fingerprint: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{16}$")] | None = Field(
        None, description="A finding's fingerprint (from `--format json`), for a finding without organisations")
    reason: Text
    approver: Text = Field(description="Who accepted the finding (name and role)")
    expires: IsoDate = Field(description="The last day the waiver applies")

    @model_validator(mode="after")
    def _names_a_finding(self) -> Waiver:
        if not self.organisations and self.fingerprint is None:
            raise ValueError("a Waiver names `organisations` or a `fingerprint`, so that it matches one finding, "
                             "not every finding of its rule")
        return self

    @property
    def label(self) -> str:
        return f"Waiver {self.id}" if self.id else f"Waiver of {self.rule}"


register_kind(Waiver)


@dataclass(frozen=True, slots=True)
class WaiverEntry:
    """A waiver of either form, as the engine applies it."""

    form: Literal["comment", "document"]
    rules: tuple[str, ...]
    reason: str
    expires: date | None
    file: str
    line: int
    column: int
    target_line: int = 0
    """Comment form: the line whose findings it waives."""
    organisations: tuple[str, ...] = ()
    fingerprint: str | None = None
    document: Waiver | None = None

    @property
    def key(self) -> tuple[str, ...]:
        """The waiver's logical identity, for the fingerprints of OAF020/OAF021 (never its line)."""
        if self.document is not None:
            doc = self.document
            return ("document", doc.id or "", doc.rule, *doc.organisations, doc.fingerprint or "")
        return ("comment", self.file, *self.rules, self.reason)

    def describe(self) -> str:
        if self.form == "comment":
            return f"oafctl-ignore comment for {', '.join(self.rules)}"
        what = f" of {', '.join(self.organisations)}" if self.organisations else f" of finding {self.fingerprint}"
        return f"waiver {self.document.id + ' ' if self.document and self.document.id else ''}for " \
               f"{self.rules[0]}{what}"

    def expired_on(self, day: date) -> bool:
        return self.expires is not None and self.expires < day

    def matches(self, finding: Finding) -> bool:
        if finding.rule not in self.rules or finding.rule in WAIVER_RULES:
            return False
        if self.form == "comment":
            return finding.file == self.file and finding.line == self.target_line
        if self.fingerprint is not None and finding.fingerprint == self.fingerprint:
            return True
        return bool(self.organisations) and set(self.organisations) <= set(finding.organisations)


def collect(estate: Estate) -> list[WaiverEntry]:
    """Every waiver in the estate: comments from each loaded file, then Waiver documents."""
    entries: list[WaiverEntry] = []
    for display in sorted(estate.files):
        for ignore in estate.files[display].ignores:
            entries.append(WaiverEntry("comment", ignore.rules, ignore.reason, ignore.until, ignore.file,
                                       ignore.line, ignore.column, target_line=ignore.target_line))
    for doc in estate.other.get(Waiver.KIND, []):
        if not isinstance(doc, Waiver):
            continue
        line, column = doc.source.at("rule")
        entries.append(WaiverEntry("document", (doc.rule,), doc.reason, doc.expires, doc.source.file, line, column,
                                   organisations=tuple(sorted(doc.organisations)), fingerprint=doc.fingerprint,
                                   document=doc))
    return entries


def in_force(entries: Iterable[WaiverEntry], day: date) -> list[WaiverEntry]:
    return [e for e in entries if not e.expired_on(day)]


def unused(entries: Sequence[WaiverEntry], findings: Sequence[Finding], day: date) -> list[WaiverEntry]:
    """Waivers in force that match none of `findings`."""
    return [e for e in in_force(entries, day) if not any(e.matches(f) for f in findings)]


def waive(findings: Iterable[Finding], entries: Sequence[WaiverEntry], day: date) -> list[Finding]:
    """Mark each finding matched by a waiver in force as waived, with that waiver's reason."""
    active = in_force(entries, day)
    out: list[Finding] = []
    for finding in findings:
        if not finding.waived:
            for entry in active:
                if entry.matches(finding):
                    finding = dataclasses.replace(finding, waived=True, waiver_reason=entry.reason)
                    break
        out.append(finding)
    return out


def apply_waivers(run: Run) -> list[Finding]:
    """The engine's waiver step: the run's findings, with those under a waiver in force marked waived."""
    return waive(run.findings, collect(run.estate), run.as_of)
