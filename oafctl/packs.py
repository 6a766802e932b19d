"""Policy packs: each framework edition as data in policies/<id>.yaml, itself checked by a model.

Rules read the pack (segment ranges, the lead table, the peer-support duty, the source sentences);
no edition is named in Python, so a new edition is a new YAML file.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from oafctl.load import parse_documents
from oafctl.model.documents import Code, IsoDate, Severity
from oafctl.resources import data_dir

Role = Literal["host-icb", "region", "national"]
"""Who an arrangement names, relative to the provider: its host ICB, that ICB's regional team, or
NHS England national."""


class _PackModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceText(_PackModel):
    """The framework text a rule rests on: a verbatim `quote` where the source is shipped in
    ../shared/reference/sources, else a `summary` in our words; always where it comes from."""

    quote: str = ""
    summary: str = ""
    cite: str


class InForce(_PackModel):
    start: IsoDate = Field(alias="from")
    end: IsoDate | None = Field(None, alias="to")


class Segmentation(_PackModel):
    """Which segments an organisation kind may be in; `segments: []` means not segmented."""

    segments: list[int]
    note: str = ""

    @property
    def segmented(self) -> bool:
        return bool(self.segments)


class SegmentMeaning(_PackModel):
    """What a provider segment means for reporting and intervention (shown in MOU documents)."""

    segment: int
    title: str
    reporting: str = ""
    intervention: str = ""


class LeadEntry(_PackModel):
    """A row of the lead table: for these provider segments (and host-ICB capability ratings, where the
    pack rates capability), who leads oversight and who must be named in support."""

    segments: list[int]
    icb_capability: list[int] | None = None
    lead: Role
    support: list[Role] = Field(default_factory=list)
    may_support: list[Role] = Field(default_factory=list)
    note: str = ""


class PeerSupportDuty(_PackModel):
    segments: list[int]
    kinds: list[Literal["ICB", "Provider"]] = Field(default_factory=lambda: ["ICB", "Provider"])  # type: ignore[arg-type]
    severity: Severity = "error"


class Pack(_PackModel):
    """One framework edition."""

    id: str
    title: str
    summary: str = ""
    status: Literal["in-force", "superseded", "proposal"] = "in-force"
    in_force: InForce | None = None
    national_body: Code = "X24"
    icb: Segmentation
    provider: Segmentation
    capability: dict[Literal["ICB", "Provider"], list[int]] = Field(default_factory=dict)
    segment_meanings: list[SegmentMeaning] = Field(default_factory=list)
    leads: list[LeadEntry]
    peer_support: PeerSupportDuty | None = None
    severities: dict[str, Severity] = Field(default_factory=dict)
    sources: dict[str, SourceText] = Field(default_factory=dict)
    reading: str = Field("", description="How this pack reads its source, where the source leaves room")

    def in_force_on(self, day: date) -> bool:
        if self.in_force is None:
            return False
        return self.in_force.start <= day and (self.in_force.end is None or day <= self.in_force.end)

    def lead_for(self, segment: int, icb_capability: int | None) -> LeadEntry | None:
        """The first row of the lead table that matches; capability rows need a rated host ICB."""
        for entry in self.leads:
            if segment not in entry.segments:
                continue
            if entry.icb_capability is not None and (
                icb_capability is None or icb_capability not in entry.icb_capability
            ):
                continue
            return entry
        return None

    def meaning_of(self, segment: int) -> SegmentMeaning | None:
        for meaning in self.segment_meanings:
            if meaning.segment == segment:
                return meaning
        return None


class PackError(Exception):
    """A policy pack that cannot be read: a usage error naming the file."""


def _read_pack(path: Path) -> Pack:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PackError(f"{path}: cannot read policy pack: {exc}") from exc
    docs, error = parse_documents(text)
    if error is not None:
        raise PackError(f"{path}:{error.line}:{error.column}: {error.message}")
    if len(docs) != 1:
        raise PackError(f"{path}: a policy pack is one YAML document")
    try:
        pack = Pack.model_validate(docs[0].data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        loc = tuple(first["loc"])
        line, column = docs[0].values.get(loc, (docs[0].line, docs[0].column))
        raise PackError(f"{path}:{line}:{column}: {'.'.join(map(str, loc))}: {first['msg']}") from exc
    if pack.id != path.stem:
        raise PackError(f"{path}: pack id {pack.id!r} must match its file name")
    return pack


@cache
def _packs_in(directory: Path) -> dict[str, Pack]:
    packs: dict[str, Pack] = {}
    for path in sorted(directory.glob("*.yaml")):
        pack = _read_pack(path)
        packs[pack.id] = pack
    return packs


def all_packs(directory: Path | None = None) -> dict[str, Pack]:
    """Every pack shipped in policies/, by id."""
    return _packs_in((directory or data_dir("policies")).resolve())


def pack_in_force(day: date, directory: Path | None = None) -> Pack | None:
    """The pack in force on `day`; a pack without in-force dates (a proposal) is never chosen."""
    matching = [p for p in all_packs(directory).values() if p.in_force_on(day)]
    if not matching:
        return None
    return max(matching, key=lambda p: p.in_force.start if p.in_force else date.min)
