"""Policy packs: each framework edition as data in policies/<id>.yaml, itself checked by a model.

Rules read the pack (segment ranges, the lead table, the peer-support duty, the source sentences);
no edition is named in Python, so a new edition is a new YAML file.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

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


ObligationKind = Literal["ICB", "Provider", "Arrangement"]
"""What an obligation is about: an organisation, or a provider's arrangement in its MOU in force (where
its segment and capability are the provider's)."""


def _yaml_fields(kind: str) -> set[str]:
    """The field names a document of `kind` has in YAML (aliases where the model renames)."""
    from oafctl.model.documents import ICB, Arrangement, Provider

    models: dict[str, type[BaseModel]] = {"ICB": ICB, "Provider": Provider, "Arrangement": Arrangement}
    model = models[kind]
    return {info.alias or name for name, info in model.model_fields.items()}


class FieldTest(_PackModel):
    """A test of one field: equal to `equals`, one of `one_of`, or (with neither) present and not empty."""

    field: str
    equals: bool | int | str | None = None
    one_of: list[str | int] = Field(default_factory=list)

    def holds(self, value: Any) -> bool:
        if self.one_of:
            return value in self.one_of
        if self.equals is not None:
            return bool(value == self.equals)
        return value not in (None, "", [], {}, False)

    def describe(self) -> str:
        if self.one_of:
            return f"`{self.field}` one of {', '.join(map(str, self.one_of))}"
        if self.equals is not None:
            shown = str(self.equals).lower() if isinstance(self.equals, bool) else self.equals
            return f"`{self.field}: {shown}`"
        return f"`{self.field}`"


class Obligation(_PackModel):
    """A duty the edition attaches to segments (or capability ratings), checked by a rule.

    Two shapes, by `rule`:
    - `OAF009` (a segment constraint): an organisation matching `when` must be in one of `segments`
      (nof-2025-26: a provider with `financial_deficit: true` is in segment 3, 4 or 5).
    - `OAF010` (a segment duty): an organisation (or arrangement) in one of `segments` and of `capability`
      (each optional: absent means any) must satisfy `require` (a plan at segments 4-5, enhanced reporting
      at segment 3, a capability rating on every ICB).
    """

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    rule: Literal["OAF009", "OAF010"]
    title: str
    kind: ObligationKind = "Provider"
    segments: list[int] | None = None
    capability: list[int] | None = None
    when: FieldTest | None = None
    require: FieldTest | None = None
    severity: Severity = "error"
    hint: str = ""
    source: SourceText

    @model_validator(mode="after")
    def _shape(self) -> Obligation:
        if self.rule == "OAF009":
            if self.when is None or not self.segments or self.require is not None:
                raise ValueError("an OAF009 obligation has `when` and `segments`, and no `require`")
            if self.kind == "Arrangement":
                raise ValueError("an OAF009 obligation is about an ICB or a Provider")
        elif self.require is None or self.when is not None:
            raise ValueError("an OAF010 obligation has `require`, and no `when`")
        known = _yaml_fields(self.kind)
        for test in (self.when, self.require):
            if test is not None and test.field not in known:
                raise ValueError(f"{self.kind} has no field {test.field!r} (known: {', '.join(sorted(known))})")
        return self

    def applies_to(self, segment: int | None, capability: int | None) -> bool:
        """Whether an organisation with this segment and capability falls under an OAF010 duty."""
        if self.segments is not None and segment not in self.segments:
            return False
        return self.capability is None or capability in self.capability


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
    obligations: list[Obligation] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_obligations(self) -> Pack:
        ids = [o.id for o in self.obligations]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"obligation ids must be unique: {', '.join(twice)}")
        return self

    def obligations_for(self, rule_id: str) -> list[Obligation]:
        return [o for o in self.obligations if o.rule == rule_id]

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
