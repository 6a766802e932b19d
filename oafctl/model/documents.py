"""The typed documents of a governance repo, one pydantic model per `kind`.

The field names are the public contract of the format. Models are strict: YAML 1.1's guessing does not
happen here, a code must be text, a segment a whole number, a date a real YYYY-MM-DD date.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
)

from oafctl.model.source import Source

API_VERSION = "oaf/v1"

_MEMORY = Source("<memory>", 1, 1)
"""Where a document built in memory (not loaded from a file) says it comes from."""

CODE_PATTERN = r"^[A-Z0-9]{3,6}$"
Code = Annotated[
    str,
    StringConstraints(pattern=CODE_PATTERN),
    Field(description="An ODS organisation code, e.g. X24 (NHS England), Y63 (a region), QHM (an ICB), RTD"),
]

_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


def _iso_date(value: Any) -> date:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _DATE_RE.match(value):
        raise ValueError(f"expected a date written YYYY-MM-DD, got {value!r}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value} is not a real calendar date") from None


IsoDate = Annotated[
    date,
    BeforeValidator(_iso_date),
    WithJsonSchema({"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}),
]


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


Text = Annotated[str, AfterValidator(_not_blank), WithJsonSchema({"type": "string", "minLength": 1})]
Segment = Annotated[int, Field(ge=1, le=99, description="Oversight segment; 1 = fewest support needs")]
Rating = Annotated[int, Field(ge=1, le=99, description="Capability rating; 1 = strongest")]

ProviderType = Literal["acute", "mental-health", "community", "ambulance", "specialist", "other"]
LineType = Literal["primary-relationship", "oversight", "statutory"]
Severity = Literal["error", "warning", "info"]


class Strict(BaseModel):
    """Shared configuration: unknown fields are errors, no type coercion."""

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=False, frozen=True, defer_build=True)


class Document(Strict):
    """Every document: `apiVersion: oaf/v1` and a `kind`. Knows where it came from."""

    api_version: Literal["oaf/v1"] = Field(alias="apiVersion")
    kind: str
    # Where the document came from is kept in a slot, not a pydantic private attribute: pydantic sets up
    # private attributes on every validation (a deep copy of the default, then a wrapper call), which
    # doubled the cost of validating a document. The slot is not a field: it is not dumped or compared.
    __slots__ = ("_oaf_source",)

    KIND: ClassVar[str] = ""

    @property
    def source(self) -> Source:
        found: Source = getattr(self, "_oaf_source", _MEMORY)
        return found

    def with_source(self, source: Source) -> Document:
        object.__setattr__(self, "_oaf_source", source)
        return self

    @property
    def label(self) -> str:
        """How findings name this document."""
        return self.KIND


class PeerSupport(Strict):
    """What a segment-1 organisation offers others, and to whom."""

    offer: str = Field("", description="The peer-to-peer support and good practice offered")
    partners: list[Code] = Field(default_factory=list, description="Organisations it supports")


class ImprovementPlan(Strict):
    """A recovery or improvement plan: what a pack's obligations (OAF010) ask of organisations in the
    segments that need one."""

    title: Text
    agreed: IsoDate | None = Field(None, description="The date the plan was agreed")
    review: IsoDate | None = Field(None, description="The next review date")
    reference: str | None = Field(None, description="Where the plan is kept (a URL or document reference)")


class Organisation(Document):
    """Any organisation with an ODS code; `valid_from`/`valid_to` bound when it existed."""

    code: Code
    name: Text
    valid_from: IsoDate | None = Field(None, description="First day the organisation exists")
    valid_to: IsoDate | None = Field(None, description="Last day the organisation exists")
    successor: Code | None = Field(None, description="The organisation that took over (mergers)")

    @property
    def label(self) -> str:
        return f"{self.KIND} {self.code}"

    def active_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


class NationalBody(Organisation):
    """NHS England (X24): leads oversight where the pack says `national`."""

    KIND: ClassVar[str] = "NationalBody"
    kind: Literal["NationalBody"]


class Region(Organisation):
    """An NHS England regional team, e.g. Y63 North East and Yorkshire."""

    KIND: ClassVar[str] = "Region"
    kind: Literal["Region"]


class ICB(Organisation):
    """An integrated care board, in one region."""

    KIND: ClassVar[str] = "ICB"
    kind: Literal["ICB"]
    region: Code
    segment: Segment | None = None
    capability: Rating | None = Field(None, description="Annual capability rating (oaf-2024), 1 = strongest")
    peer_support: PeerSupport | None = None
    improvement_plan: ImprovementPlan | None = Field(
        None, description="The improvement plan a pack's obligations may require at some segments")


class Provider(Organisation):
    """An NHS trust or foundation trust, hosted by one ICB."""

    KIND: ClassVar[str] = "Provider"
    kind: Literal["Provider"]
    type: ProviderType
    icb: Code = Field(description="Host ICB code")
    segment: Segment
    capability: Rating | None = Field(None, description="Provider capability (oaf-2024), 1 = strongest")
    financial_deficit: bool = Field(False, description="In financial deficit (nof-2025-26 financial override)")
    peer_support: PeerSupport | None = None
    improvement_plan: ImprovementPlan | None = Field(
        None, description="The recovery or improvement plan a pack's obligations may require at some segments")
    improvement_director: Text | None = Field(
        None, description="The improvement director appointed to the provider (for local policies)")


class AccountabilityLine(Document):
    """`from` answers to `to`: a primary relationship, an oversight line or a statutory one."""

    KIND: ClassVar[str] = "AccountabilityLine"
    kind: Literal["AccountabilityLine"]
    from_: Code = Field(alias="from", description="The organisation that is accountable or overseen")
    to: Code = Field(description="The organisation it answers to")
    type: LineType
    notes: str | None = None

    @property
    def label(self) -> str:
        return f"line {self.from_} → {self.to} ({self.type})"


class Arrangement(Strict):
    """Who leads oversight of one provider, and who supports."""

    provider: Code
    lead: Code
    support: list[Code] = Field(default_factory=list)
    reporting: Literal["routine", "enhanced", "intensive"] | None = Field(
        None, description="The reporting regime agreed for the provider; pack obligations (OAF010) may require "
        "enhanced reporting at some segments")
    notes: str | None = None


class EscalationRoute(Strict):
    """Where concerns about an organisation in a segment go."""

    segment: Segment
    route: Text


class Signatory(Strict):
    """Who signs the MOU."""

    name: Text
    role: Text
    organisation: Code


MOU_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"


class MOU(Document):
    """The memorandum of understanding between an ICB and its regional team."""

    KIND: ClassVar[str] = "MOU"
    kind: Literal["MOU"]
    id: Annotated[str, StringConstraints(pattern=MOU_ID_PATTERN)]
    icb: Code
    region: Code
    effective: IsoDate
    expires: IsoDate
    status: Literal["draft", "signed"] = "draft"
    title: str | None = None
    review_date: IsoDate | None = None
    signatories: list[Signatory] = Field(default_factory=list)
    arrangements: list[Arrangement] = Field(default_factory=list)
    purpose: str | None = None
    ways_of_working: str | None = None
    escalation: str | list[EscalationRoute] | None = None
    information_sharing: str | None = None
    sections: dict[str, str] = Field(default_factory=dict, description="Further free-text sections, by title")

    @property
    def label(self) -> str:
        return f"MOU {self.id}"

    def in_force_on(self, day: date) -> bool:
        return self.effective <= day <= self.expires


class RuleSetting(Strict):
    """A per-repo override of a rule's severity."""

    severity: Literal["error", "warning", "info", "off"]


class EstateSettings(Document):
    """`kind: Estate`: the repo's framework, date and rule settings (conventionally oaf.yaml)."""

    KIND: ClassVar[str] = "Estate"
    kind: Literal["Estate"]
    name: str | None = None
    framework: str | None = Field(None, description="Policy pack id, e.g. sof-2022-23")
    as_of: IsoDate | None = Field(None, description="The date the estate is judged on")
    exclude: list[str] = Field(default_factory=list, description="Globs of YAML files that are not oafctl's")
    rules: dict[str, RuleSetting | Literal["off"]] = Field(default_factory=dict)
    notes: str | None = None

    @property
    def label(self) -> str:
        return "Estate settings"


KINDS: dict[str, type[Document]] = {
    cls.KIND: cls
    for cls in (EstateSettings, NationalBody, Region, ICB, Provider, AccountabilityLine, MOU)
}
"""Every kind the format knows; a later kind registers itself here."""


def register_kind(cls: type[Document]) -> type[Document]:
    """Add a document kind (used by features that bring their own documents, such as waivers)."""
    KINDS[cls.KIND] = cls
    return cls
