"""What an MOU document shows, built from a validated run, and the hash that pins it.

The view is plain frozen dataclasses: templates read attributes, and the hash is the SHA-256 of the
canonical JSON (sorted keys, no positions) of the MOU spec and of everything in the view that comes from
the estate or the pack. So any change a reader would see changes the hash; the Git revision and the
spec's path are shown but not hashed (committing a spec does not make its document stale).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from oafctl.findings import Finding
from oafctl.model.documents import MOU, EscalationRoute, Organisation

if TYPE_CHECKING:
    from oafctl.engine import Run
    from oafctl.packs import Pack, SourceText

MARKER_PREFIX = "oafctl:mou="
"""Every rendered document carries `oafctl:mou=<id>;sha256=<hex>` so that `mou check` can find it."""

STAMP_DRAFT = "DRAFT"
STAMP_INVALID = "DRAFT — NOT VALID"


@dataclass(frozen=True)
class OrgRef:
    """An organisation as a document names it."""

    code: str
    name: str
    kind: str

    @property
    def label(self) -> str:
        return f"{self.name} ({self.code})"


@dataclass(frozen=True)
class SignatoryView:
    name: str
    role: str
    organisation: OrgRef


@dataclass(frozen=True)
class Meaning:
    """What a segment means for reporting and intervention, from the pack."""

    segment: int
    title: str
    reporting: str
    intervention: str


@dataclass(frozen=True)
class Row:
    """One oversight arrangement, with the estate facts a reader needs beside it."""

    provider: OrgRef
    type: str
    segment: int | None
    lead: OrgRef
    support: tuple[OrgRef, ...]
    meaning: Meaning | None
    reporting: str | None
    notes: str | None


@dataclass(frozen=True)
class Offer:
    """A peer-support offer of an organisation in a segment that carries the duty."""

    organisation: OrgRef
    segment: int
    offer: str
    partners: tuple[OrgRef, ...]


@dataclass(frozen=True)
class Route:
    segment: int
    title: str
    route: str


@dataclass(frozen=True)
class Framework:
    """The pack and the framework text the document rests on."""

    pack_id: str
    title: str
    summary: str
    texts: tuple[Quote, ...]


@dataclass(frozen=True)
class Quote:
    topic: str
    quote: str
    summary: str
    cite: str


@dataclass(frozen=True)
class Problem:
    """A validation finding listed on a document rendered with --allow-invalid."""

    rule: str
    location: str
    message: str


@dataclass(frozen=True)
class Provenance:
    mou_id: str
    spec_file: str
    git_revision: str
    pack_id: str
    sha256: str

    @property
    def marker(self) -> str:
        return f"{MARKER_PREFIX}{self.mou_id};sha256={self.sha256}"


@dataclass(frozen=True)
class MouView:
    """Everything a template may show. `provenance` is filled after hashing the rest."""

    id: str
    title: str
    status: str
    stamp: str
    icb: OrgRef
    region: OrgRef
    effective: str
    expires: str
    review_date: str | None
    signatories: tuple[SignatoryView, ...]
    purpose: str | None
    framework: Framework
    rows: tuple[Row, ...]
    offers: tuple[Offer, ...]
    peer_support_segments: tuple[int, ...]
    ways_of_working: str | None
    escalation_text: str | None
    escalation_routes: tuple[Route, ...]
    information_sharing: str | None
    sections: tuple[tuple[str, str], ...]
    problems: tuple[Problem, ...]
    provenance: Provenance = field(default_factory=lambda: Provenance("", "", "", "", ""))


# ---------------------------------------------------------------------------------------------- building


def _org(run: Run, code: str) -> OrgRef:
    org = run.estate.declared.get(code)
    if isinstance(org, Organisation):
        name = org.name
        if org.KIND == "Region" and not name.startswith("NHS England"):
            name = f"NHS England {name}"  # regional teams are NHS England's: "NHS England North East and Yorkshire"
        return OrgRef(code, name, org.KIND)
    return OrgRef(code, f"unknown organisation {code}", "unknown")


def _meaning(pack: Pack, segment: int | None) -> Meaning | None:
    if segment is None:
        return None
    found = pack.meaning_of(segment)
    if found is None:
        return None
    return Meaning(found.segment, found.title, found.reporting, found.intervention)


def _quote(topic: str, source: SourceText | None) -> tuple[Quote, ...]:
    if source is None:
        return ()
    quote, summary, cite = (" ".join(text.split()) for text in (source.quote, source.summary, source.cite))
    return (Quote(topic, quote, summary, cite),)


def _framework(pack: Pack) -> Framework:
    texts = (
        *_quote("The memorandum of understanding", pack.sources.get("OAF005")),
        *_quote("Who leads oversight", pack.sources.get("OAF003")),
        *_quote("Peer support", pack.sources.get("OAF004")),
    )
    return Framework(pack.id, pack.title, " ".join(pack.summary.split()), texts)


def _offers(run: Run, mou: MOU) -> tuple[tuple[Offer, ...], tuple[int, ...]]:
    """Offers of the ICB and of its providers (hosted or named) in the segments that carry the duty."""
    estate, pack = run.estate, run.pack
    segments = tuple(sorted(pack.peer_support.segments)) if pack.peer_support else (1,)
    codes = [mou.icb, *sorted({p.code for p in estate.providers_by_icb.get(mou.icb, [])}
                               | {a.provider for a in mou.arrangements})]
    offers: list[Offer] = []
    for code in codes:
        org = estate.icbs.get(code) or estate.providers.get(code)
        if org is None or org.segment is None or org.segment not in segments:
            continue
        support = org.peer_support
        offers.append(Offer(
            organisation=_org(run, code),
            segment=org.segment,
            offer=" ".join(support.offer.split()) if support is not None else "",
            partners=tuple(_org(run, p) for p in (support.partners if support is not None else [])),
        ))
    return tuple(offers), segments


def _routes(run: Run, escalation: str | list[EscalationRoute] | None) -> tuple[str | None, tuple[Route, ...]]:
    if escalation is None or isinstance(escalation, str):
        return escalation, ()
    routes = []
    for item in sorted(escalation, key=lambda r: r.segment):
        meaning = run.pack.meaning_of(item.segment)
        routes.append(Route(item.segment, meaning.title if meaning else "", item.route))
    return None, tuple(routes)


def _title(run: Run, mou: MOU) -> str:
    if mou.title:
        return mou.title
    icb, region = _org(run, mou.icb), _org(run, mou.region)
    return f"Oversight memorandum of understanding between {icb.name} and {region.name}"


def concerning(run: Run, mou: MOU) -> list[Finding]:
    """The unwaived errors that stop this MOU from rendering: those naming its ICB, a provider the ICB
    hosts or the MOU names, and those located in the MOU's own document. Findings about the region
    alone are left out: a region is shared by many ICBs, and its other ICBs' problems are not this
    MOU's. Warnings and notes never block."""
    estate = run.estate
    codes = {mou.icb, *(p.code for p in estate.providers_by_icb.get(mou.icb, [])),
             *(a.provider for a in mou.arrangements)}
    start = mou.source.line
    later = [d.source.line for d in estate.documents if d.source.file == mou.source.file and d.source.line > start]
    end = min(later) if later else None
    out = []
    for finding in run.findings:
        if finding.waived or finding.severity != "error":
            continue
        in_document = finding.file == mou.source.file and start <= finding.line and (end is None or finding.line < end)
        if in_document or codes.intersection(finding.organisations):
            out.append(finding)
    return out


def build_view(run: Run, mou: MOU, root: Path, problems: Iterable[Finding] = ()) -> MouView:
    """The document for `mou`, with its provenance and hash. `problems` (from --allow-invalid) are listed
    on the document and stamp it DRAFT — NOT VALID."""
    estate, pack = run.estate, run.pack
    rows = []
    for arrangement in mou.arrangements:
        provider = estate.providers.get(arrangement.provider)
        segment = provider.segment if provider is not None else None
        rows.append(Row(
            provider=_org(run, arrangement.provider),
            type=provider.type if provider is not None else "unknown",
            segment=segment,
            lead=_org(run, arrangement.lead),
            support=tuple(_org(run, code) for code in arrangement.support),
            meaning=_meaning(pack, segment),
            reporting=arrangement.reporting,
            notes=" ".join(arrangement.notes.split()) if arrangement.notes else None,
        ))
    offers, duty_segments = _offers(run, mou)
    escalation_text, routes = _routes(run, mou.escalation)
    # Locations relative to the repo, like the spec's path: the document must not depend on the current folder.
    listed = tuple(Problem(f.rule, f"{spec_path(f.file, root)}:{f.line}:{f.column}", f.message) for f in problems)
    stamp = STAMP_INVALID if listed else (STAMP_DRAFT if mou.status == "draft" else "")
    view = MouView(
        id=mou.id,
        title=_title(run, mou),
        status=mou.status,
        stamp=stamp,
        icb=_org(run, mou.icb),
        region=_org(run, mou.region),
        effective=mou.effective.isoformat(),
        expires=mou.expires.isoformat(),
        review_date=mou.review_date.isoformat() if mou.review_date else None,
        signatories=tuple(SignatoryView(s.name, s.role, _org(run, s.organisation)) for s in mou.signatories),
        purpose=mou.purpose,
        framework=_framework(pack),
        rows=tuple(rows),
        offers=offers,
        peer_support_segments=duty_segments,
        ways_of_working=mou.ways_of_working,
        escalation_text=escalation_text,
        escalation_routes=routes,
        information_sharing=mou.information_sharing,
        sections=tuple(mou.sections.items()),
        problems=listed,
    )
    digest = spec_hash(mou, view)
    spec_file = spec_path(mou.source.file, root)
    provenance = Provenance(mou.id, spec_file, git_revision(Path(mou.source.file)), pack.id, digest)
    return dataclasses.replace(view, provenance=provenance)


# ---------------------------------------------------------------------------------------------- hashing


def canonical_json(data: Any) -> str:
    """Sorted keys, no insignificant whitespace, UTF-8 text kept as is: the same data, the same bytes."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def spec_hash(mou: MOU, view: MouView) -> str:
    """SHA-256 of the MOU as written (no positions) and of the facts the document shows."""
    shown = dataclasses.asdict(view)
    shown.pop("provenance", None)
    spec = mou.model_dump(mode="json", by_alias=True)
    payload = canonical_json({"mou": spec, "shown": shown})
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------------------------- provenance


def spec_path(display: str, root: Path) -> str:
    """The spec's path relative to the governance repo (so a render from another folder is identical)."""
    path = Path(display).resolve()
    base = root.resolve()
    if base.is_file():
        base = base.parent
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return Path(display).as_posix()


def _git(args: list[str], cwd: Path) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


@functools.cache
def _in_work_tree(directory: Path) -> bool:
    return _git(["rev-parse", "--is-inside-work-tree"], directory) == "true"


def git_revision(file: Path) -> str:
    """The last commit that touched the spec (`git log -1 -- file`), noting uncommitted changes; or why
    there is none. Shown on the document, never hashed."""
    path = file.resolve()
    where = path.parent
    if not _in_work_tree(where):
        return "not in git"
    revision = _git(["log", "-1", "--format=%H", "--", path.name], where)
    if not revision:
        return "not committed"
    status = _git(["status", "--porcelain", "--", path.name], where)
    return f"{revision} (with uncommitted changes)" if status else revision
