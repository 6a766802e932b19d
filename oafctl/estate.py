"""Stage 3: the indexed estate, as it stands on `as_of`: organisations by code, lines by origin,
MOUs in force. Rules read this; it holds no rule logic."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from oafctl.load import LoadedFile
from oafctl.model.documents import (
    ICB,
    MOU,
    AccountabilityLine,
    Document,
    EstateSettings,
    NationalBody,
    Organisation,
    Provider,
    Region,
)


@dataclass
class Estate:
    as_of: date
    documents: list[Document]
    files: dict[str, LoadedFile] = field(default_factory=dict)
    settings: list[EstateSettings] = field(default_factory=list)
    declared: dict[str, Organisation] = field(default_factory=dict)
    """Every organisation by code (first declaration, in sorted file order), active or not."""
    duplicates: list[tuple[Organisation, Organisation]] = field(default_factory=list)
    """(later declaration, first declaration) for each code declared more than once."""
    national: dict[str, NationalBody] = field(default_factory=dict)
    regions: dict[str, Region] = field(default_factory=dict)
    icbs: dict[str, ICB] = field(default_factory=dict)
    providers: dict[str, Provider] = field(default_factory=dict)
    """Organisations of each kind that exist on `as_of`."""
    lines: list[AccountabilityLine] = field(default_factory=list)
    lines_from: dict[str, list[AccountabilityLine]] = field(default_factory=lambda: defaultdict(list))
    mous: list[MOU] = field(default_factory=list)
    mous_in_force: list[MOU] = field(default_factory=list)
    mous_by_icb: dict[str, list[MOU]] = field(default_factory=lambda: defaultdict(list))
    """MOUs in force on `as_of`, by ICB code."""
    providers_by_icb: dict[str, list[Provider]] = field(default_factory=lambda: defaultdict(list))
    other: dict[str, list[Document]] = field(default_factory=lambda: defaultdict(list))
    """Documents of kinds the estate does not index (waivers, policies, ...), by kind."""

    @property
    def organisations(self) -> dict[str, Organisation]:
        """Organisations that exist on `as_of`, by code."""
        out: dict[str, Organisation] = {}
        for group in (self.national, self.regions, self.icbs, self.providers):
            out.update(group)
        return out

    def region_of(self, code: str) -> str | None:
        """The regional team an ICB or provider relates to: an ICB's own, a provider's host ICB's."""
        icb = self.icbs.get(code)
        if icb is not None:
            return icb.region
        provider = self.providers.get(code)
        if provider is not None:
            host = self.icbs.get(provider.icb)
            return host.region if host is not None else None
        return None

    def name_of(self, code: str) -> str:
        org = self.declared.get(code)
        return org.name if org is not None else code


def build_estate(documents: list[Document], as_of: date, files: list[LoadedFile] | None = None) -> Estate:
    estate = Estate(as_of=as_of, documents=documents, files={f.display: f for f in files or []})
    for doc in documents:
        if isinstance(doc, Organisation):
            first = estate.declared.get(doc.code)
            if first is not None:
                estate.duplicates.append((doc, first))
                continue
            estate.declared[doc.code] = doc
            if not doc.active_on(as_of):
                continue
            if isinstance(doc, Provider):
                estate.providers[doc.code] = doc
                estate.providers_by_icb[doc.icb].append(doc)
            elif isinstance(doc, ICB):
                estate.icbs[doc.code] = doc
            elif isinstance(doc, Region):
                estate.regions[doc.code] = doc
            elif isinstance(doc, NationalBody):
                estate.national[doc.code] = doc
        elif isinstance(doc, AccountabilityLine):
            estate.lines.append(doc)
            estate.lines_from[doc.from_].append(doc)
        elif isinstance(doc, MOU):
            estate.mous.append(doc)
            if doc.in_force_on(as_of):
                estate.mous_in_force.append(doc)
                estate.mous_by_icb[doc.icb].append(doc)
        elif isinstance(doc, EstateSettings):
            estate.settings.append(doc)
        else:
            estate.other[doc.kind].append(doc)
    return estate
