"""OAF006: every code referenced exists, is of the right kind, and codes are unique."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import NamedTuple

from oafctl.findings import Finding
from oafctl.model.build import did_you_mean
from oafctl.model.documents import (
    ICB,
    MOU,
    AccountabilityLine,
    Document,
    Organisation,
    Provider,
)
from oafctl.rules import Context, Rule

rule = Rule(
    id="OAF006",
    name="references",
    title="Every code referenced exists, is of the right kind and exists on the date; codes are unique",
    severity="error",
    what=(
        "Every organisation code referenced (an ICB's region, a provider's host ICB, both ends of every "
        "accountability line, an MOU's ICB and region, each arrangement's provider, lead and support, "
        "peer-support partners, successors) is declared, is of the kind the field needs, and exists on "
        "`as_of` when the referring document is in force. Organisation codes and MOU ids are unique."
    ),
    why=(
        "A line or an arrangement that names an organisation that does not exist, or no longer exists, "
        "oversees nobody; two records with one code make every other check ambiguous."
    ),
    passing="""\
kind: Provider
code: RTD
icb: QHM           # declared as kind: ICB
""",
    failing="""\
kind: Provider
code: RTD
icb: QHX           # no organisation has this code
""",
)


class Ref(NamedTuple):
    """A code a document refers to (a tuple: millions are made on a large estate)."""

    path: tuple[str | int, ...]
    code: str
    kinds: Sequence[str]
    """Kinds the field accepts; empty means any organisation."""


def _references(doc: Document) -> Iterator[Ref]:
    if isinstance(doc, ICB):
        yield Ref(("region",), doc.region, ("Region",))
    if isinstance(doc, Provider):
        yield Ref(("icb",), doc.icb, ("ICB",))
    if isinstance(doc, ICB | Provider) and doc.peer_support:
        for i, code in enumerate(doc.peer_support.partners):
            yield Ref(("peer_support", "partners", i), code, ())
    if isinstance(doc, Organisation) and doc.successor:
        yield Ref(("successor",), doc.successor, (doc.KIND,))
    if isinstance(doc, AccountabilityLine):
        yield Ref(("from",), doc.from_, ())
        yield Ref(("to",), doc.to, ())
    if isinstance(doc, MOU):
        yield Ref(("icb",), doc.icb, ("ICB",))
        yield Ref(("region",), doc.region, ("Region",))
        for i, arrangement in enumerate(doc.arrangements):
            yield Ref(("arrangements", i, "provider"), arrangement.provider, ("Provider",))
            yield Ref(("arrangements", i, "lead"), arrangement.lead, ())
            for j, code in enumerate(arrangement.support):
                yield Ref(("arrangements", i, "support", j), code, ())
        for i, signatory in enumerate(doc.signatories):
            yield Ref(("signatories", i, "organisation"), signatory.organisation, ())


def _all_fine(doc: Document, kinds: dict[str, str]) -> bool:
    """Whether every code `doc` refers to names an organisation of the right kind in `kinds` (code → kind
    of the organisations that count). The common case, checked without building a Ref or a path per
    reference; when it fails, `_references` finds out what is wrong."""
    get = kinds.get
    if isinstance(doc, AccountabilityLine):
        return get(doc.from_) is not None and get(doc.to) is not None
    if isinstance(doc, MOU):
        if get(doc.icb) != "ICB" or get(doc.region) != "Region":
            return False
        for arrangement in doc.arrangements:
            if get(arrangement.provider) != "Provider" or get(arrangement.lead) is None:
                return False
            for code in arrangement.support:
                if get(code) is None:
                    return False
        return all(get(s.organisation) is not None for s in doc.signatories)
    if isinstance(doc, Provider | ICB):
        if isinstance(doc, Provider) and get(doc.icb) != "ICB":
            return False
        if isinstance(doc, ICB) and get(doc.region) != "Region":
            return False
        if doc.peer_support and any(get(code) is None for code in doc.peer_support.partners):
            return False
    return not (isinstance(doc, Organisation) and doc.successor)


def _in_force(ctx: Context, doc: Document) -> bool:
    """Whether the document speaks for `as_of`, so that a reference to a closed organisation matters."""
    day = ctx.estate.as_of
    if isinstance(doc, Organisation):
        return doc.active_on(day)
    if isinstance(doc, MOU):
        return doc.in_force_on(day)
    if isinstance(doc, AccountabilityLine):
        origin = ctx.estate.declared.get(doc.from_)
        return origin is None or origin.active_on(day)
    return True


@rule.checker
def check(ctx: Context) -> Iterator[Finding]:
    estate = ctx.estate
    for later, first in estate.duplicates:
        yield rule.finding(
            later, ("code",),
            f"code {later.code} is declared twice: {later.KIND} {later.name!r} here and {first.KIND} "
            f"{first.name!r} at {first.source.file}:{first.source.line}",
            organisations=(later.code,),
            hint="an organisation is declared once; remove or recode one of them",
            key=(later.code, "duplicate", later.source.file),
        )
    mou_ids: dict[str, MOU] = {}
    for mou in estate.mous:
        if mou.id in mou_ids:
            other = mou_ids[mou.id]
            yield rule.finding(
                mou, ("id",),
                f"MOU id {mou.id} of ICB {ctx.who(mou.icb)} is used twice (also at {other.source.file}:"
                f"{other.source.line}, the MOU of ICB {other.icb})",
                organisations=(mou.icb, other.icb),
                hint="give each MOU its own id, e.g. mou-<ICB>-<year>",
                key=(mou.id, "duplicate", mou.source.file),
            )
        else:
            mou_ids[mou.id] = mou
    known = sorted(estate.declared)
    declared_kinds = {code: org.KIND for code, org in estate.declared.items()}
    active_kinds = {code: org.KIND for code, org in estate.organisations.items()}
    for doc in estate.documents:
        if isinstance(doc, Organisation) and estate.declared.get(doc.code) is not doc:
            continue  # a duplicate declaration, reported above
        live = _in_force(ctx, doc)
        if _all_fine(doc, active_kinds if live else declared_kinds):
            continue
        for ref in _references(doc):
            if ref.code in ctx.unmodelled:
                continue
            target = estate.declared.get(ref.code)
            if target is not None and (not ref.kinds or target.KIND in ref.kinds) and (
                not live or ref.path == ("successor",) or target.active_on(estate.as_of)
            ):
                continue  # the common case, decided without building any message
            field = ".".join(str(p) for p in ref.path)
            if target is None:
                yield rule.finding(
                    doc, ref.path,
                    f"{doc.label} refers to {ref.code} in '{field}', but no organisation has that code"
                    f"{did_you_mean(ref.code, known)}",
                    organisations=(ref.code,),
                    hint=f"declare {ref.code}, or correct the code",
                    key=(doc.label, field, ref.code, "unknown"),
                )
            elif ref.kinds and target.KIND not in ref.kinds:
                yield rule.finding(
                    doc, ref.path,
                    f"{doc.label} names {ctx.who(ref.code)} in '{field}', which needs a "
                    f"{' or '.join(ref.kinds)}, but {ref.code} is a {target.KIND}",
                    organisations=(ref.code,),
                    hint=f"name a {' or '.join(ref.kinds)} here",
                    key=(doc.label, field, ref.code, "kind"),
                )
            elif live and ref.path != ("successor",) and not target.active_on(estate.as_of):
                ended = (
                    f"ended on {target.valid_to.isoformat()}" if target.valid_to
                    and target.valid_to < estate.as_of else
                    f"begins on {target.valid_from.isoformat() if target.valid_from else '?'}"
                )
                successor = f"; its successor is {target.successor}" if target.successor else ""
                yield rule.finding(
                    doc, ref.path,
                    f"{doc.label} names {ctx.who(ref.code)} in '{field}', but it {ended}, so it does not exist "
                    f"on {estate.as_of.isoformat()}{successor}",
                    organisations=(ref.code, *(filter(None, [target.successor]))),
                    hint=f"name {target.successor}" if target.successor else "name an organisation that exists then",
                    key=(doc.label, field, ref.code, "inactive"),
                )
