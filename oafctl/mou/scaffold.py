"""`mou scaffold`: write or update an ICB's MOU spec from the estate.

One arrangement per provider the ICB hosts, with the lead and the support the policy pack requires for
its segment (the role resolution is OAF003's own, imported, so scaffold and validate cannot disagree).
An existing spec is edited through ruamel.yaml's round-trip loader: comments, key order, quoting and
flow style stay; only the fields that are wrong change, and a spec that is already right is not written.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from oafctl.packs import FieldTest, Pack
from oafctl.rules import Context
from oafctl.rules.oaf003_segment_lead import ROLE_WORDS, resolve_role

if TYPE_CHECKING:
    from oafctl.engine import Run
    from oafctl.model.documents import MOU, Provider


class ScaffoldError(Exception):
    """The MOU cannot be scaffolded (unknown ICB, a segment the pack has no lead for, ...): exit 2."""


@dataclass(frozen=True)
class Wanted:
    """The arrangement the pack requires for one hosted provider."""

    provider: str
    lead: str
    support: tuple[str, ...]
    why: str
    fields: tuple[Required, ...] = ()


@dataclass(frozen=True)
class Required:
    """A field a pack obligation (OAF010, kind Arrangement) requires of the arrangement, and a value that
    satisfies it (`equals`, else the first of `one_of`)."""

    test: FieldTest
    value: Any
    why: str


@dataclass
class Result:
    path: Path
    created: bool
    changes: list[str] = field(default_factory=list)


def financial_year(day: date) -> tuple[date, date]:
    """The NHS financial year (1 April to 31 March) that contains `day`."""
    start_year = day.year if day.month >= 4 else day.year - 1
    return date(start_year, 4, 1), date(start_year + 1, 3, 31)


def wanted_arrangements(run: Run, icb_code: str) -> list[Wanted]:
    """What the pack requires for every provider `icb_code` hosts on `as_of`, by provider code."""
    estate, pack = run.estate, run.pack
    icb = estate.icbs[icb_code]
    ctx = Context(estate=estate, pack=pack)
    out = []
    providers: list[Provider] = sorted(estate.providers_by_icb.get(icb_code, []), key=lambda p: p.code)
    for provider in providers:
        entry = pack.lead_for(provider.segment, icb.capability)
        if entry is None:
            rated = f" and host ICB capability {icb.capability}" if pack.capability else ""
            raise ScaffoldError(f"{pack.id} gives no lead for Provider {provider.code} in segment "
                                f"{provider.segment}{rated}; fix its segment (see `oafctl validate`) first")
        lead = resolve_role(ctx, entry.lead, provider)
        if lead is None:
            raise ScaffoldError(f"cannot tell who {ROLE_WORDS[entry.lead]} of Provider {provider.code} is; "
                                "check its host ICB and region (see `oafctl validate`)")
        support = []
        for role in entry.support:
            code = resolve_role(ctx, role, provider)
            if code is not None and code != lead and code not in support:
                support.append(code)
        why = f"segment {provider.segment}: {ROLE_WORDS[entry.lead]} leads"
        if entry.support:
            why += f", with {' and '.join(ROLE_WORDS[r] for r in entry.support)} in support"
        out.append(Wanted(provider.code, lead, tuple(support), why, _required(pack, provider)))
    return out


def _required(pack: Pack, provider: Provider) -> tuple[Required, ...]:
    """The arrangement fields the pack's OAF010 obligations ask for at this provider's segment (the same
    obligations `validate` checks); a "present, any value" duty cannot be filled in and is left to validate."""
    out: list[Required] = []
    for obligation in pack.obligations_for("OAF010"):
        test = obligation.require
        if obligation.kind != "Arrangement" or test is None or test.field in ("provider", "lead", "support"):
            continue
        if not obligation.applies_to(provider.segment, provider.capability):
            continue
        value = test.equals if test.equals is not None else (test.one_of[0] if test.one_of else None)
        if value is not None:
            out.append(Required(test, value, f"{obligation.title}, {pack.id}"))
    return tuple(out)


def _yaml(text: str = "") -> YAML:
    """A round-trip YAML whose indentation follows the file's own (ruamel applies one style to the file)."""
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    mapping, sequence, offset = 2, 4, 2
    match = re.search(r"^( *)[^\s#-][^\n]*:[ \t]*(?:#[^\n]*)?\n( *)- ", text, re.MULTILINE)
    if match is not None:
        offset = max(len(match.group(2)) - len(match.group(1)), 0)
        sequence = offset + 2
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def _flow(items: list[str]) -> CommentedSeq:
    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


def _arrangement(wanted: Wanted) -> CommentedMap:
    item = CommentedMap()
    item["provider"] = wanted.provider
    item["lead"] = wanted.lead
    if wanted.support:
        item["support"] = _flow(list(wanted.support))
    for required in wanted.fields:
        item[required.test.field] = required.value
    item.yaml_add_eol_comment(f"# {wanted.why}", "lead")
    return item


def _update(doc: CommentedMap, icb_region: str | None, wanted: list[Wanted]) -> list[str]:
    """Edit one MOU document in place; the list of what changed (empty: nothing to write)."""
    changes: list[str] = []
    if icb_region is not None and doc.get("region") != icb_region:
        changes.append(f"region: {doc.get('region')} → {icb_region}")
        doc["region"] = icb_region
    by_code = {w.provider: w for w in wanted}
    arrangements = doc.get("arrangements")
    if not isinstance(arrangements, list):
        arrangements = CommentedSeq()
        doc["arrangements"] = arrangements
        changes.append("arrangements: added")
    seen: set[str] = set()
    for index in reversed(range(len(arrangements))):
        item = arrangements[index]
        code = item.get("provider") if isinstance(item, CommentedMap) else None
        first = [i for i, a in enumerate(arrangements) if isinstance(a, dict) and a.get("provider") == code]
        if code not in by_code or (first and first[0] != index):
            changes.append(f"{code}: arrangement removed ({'listed twice' if code in by_code else 'not hosted'})")
            del arrangements[index]
    for item in arrangements:
        if not isinstance(item, CommentedMap):
            continue
        want = by_code[item["provider"]]
        seen.add(want.provider)
        if item.get("lead") != want.lead:
            changes.append(f"{want.provider}: lead {item.get('lead')} → {want.lead} ({want.why})")
            item["lead"] = want.lead
        missing = [c for c in want.support if c not in (item.get("support") or [])]
        if missing:
            changes.append(f"{want.provider}: support + {', '.join(missing)} ({want.why})")
            support = item.get("support")
            if isinstance(support, list):
                support.extend(missing)
            else:
                keys = list(item.keys())
                item.insert(keys.index("lead") + 1 if "lead" in keys else len(keys), "support", _flow(missing))
        for required in want.fields:
            if not required.test.holds(item.get(required.test.field)):
                changes.append(f"{want.provider}: {required.test.field} {item.get(required.test.field)} → "
                               f"{required.value} ({required.why})")
                item[required.test.field] = required.value
    for want in wanted:
        if want.provider not in seen:
            changes.append(f"{want.provider}: arrangement added ({want.why})")
            arrangements.append(_arrangement(want))
    return changes


def _existing(run: Run, icb_code: str) -> MOU | None:
    in_force = run.estate.mous_by_icb.get(icb_code, [])
    if len(in_force) > 1:
        listed = ", ".join(f"{m.id} ({m.source.file})" for m in in_force)
        raise ScaffoldError(f"ICB {icb_code} has {len(in_force)} MOUs in force ({listed}); name the one to update "
                            "with --file")
    return in_force[0] if in_force else None


def _escalation(run: Run, icb_code: str) -> CommentedSeq:
    """One route to agree per segment the hosted providers are in, named after the pack's meaning."""
    segments = sorted({p.segment for p in run.estate.providers_by_icb.get(icb_code, [])})
    routes = CommentedSeq()
    for segment in segments:
        meaning = run.pack.meaning_of(segment)
        route = CommentedMap()
        route["segment"] = segment
        route["route"] = f"To be agreed ({meaning.title})" if meaning else "To be agreed"
        route.fa.set_flow_style()
        routes.append(route)
    return routes


def _new_document(run: Run, icb_code: str, mou_id: str, effective: date, expires: date,
                  wanted: list[Wanted]) -> CommentedMap:
    estate = run.estate
    icb = estate.icbs[icb_code]
    doc = CommentedMap()
    doc["apiVersion"] = "oaf/v1"
    doc["kind"] = "MOU"
    doc["id"] = mou_id
    doc["icb"] = icb_code
    doc["region"] = icb.region
    doc["effective"] = effective
    doc["expires"] = expires
    doc["status"] = "draft"
    doc["signatories"] = CommentedSeq()
    doc["arrangements"] = CommentedSeq(_arrangement(w) for w in wanted)
    doc["purpose"] = f"Sets out how the {run.pack.title} applies to the providers {icb.name} hosts."
    doc["ways_of_working"] = "Describe how the ICB and the regional team work together."
    doc["escalation"] = _escalation(run, icb_code)
    doc["information_sharing"] = "Describe what is shared, how and how often."
    doc.yaml_set_start_comment(
        f"The oversight MOU between {icb.name} and the NHS England regional team {icb.region}.\n"
        f"Scaffolded by `oafctl mou scaffold` under {run.pack.id}: one arrangement per hosted provider with\n"
        "the lead and support the pack requires. Fill in the signatories, the text sections and a review_date.")
    return doc


def scaffold(run: Run, icb_code: str, root: Path, *, file: Path | None = None, mou_id: str | None = None,
             effective: date | None = None, expires: date | None = None) -> Result:
    """Write a new MOU spec for `icb_code`, or update the one in force (or `file`)."""
    estate = run.estate
    if icb_code not in estate.icbs:
        from oafctl.model.build import did_you_mean

        known = sorted(estate.icbs)
        raise ScaffoldError(f"no ICB {icb_code!r} in the estate on {run.as_of.isoformat()}"
                            f"{did_you_mean(icb_code, known)} (known: {', '.join(known) or 'none'})")
    wanted = wanted_arrangements(run, icb_code)
    region = estate.icbs[icb_code].region
    existing = _existing(run, icb_code) if file is None else None
    target = file or (Path(existing.source.file) if existing is not None else None)
    if target is not None and target.exists():
        return _update_file(target, icb_code, region, wanted, existing.id if existing is not None else mou_id)
    start, end = financial_year(effective or run.as_of)
    effective, expires = effective or start, expires or end
    if target is None:
        base = root if root.is_dir() else root.parent
        target = base / "mous" / f"{icb_code}.yaml"
        if target.exists():
            target = base / "mous" / f"{icb_code}-{effective.year}.yaml"
        if target.exists():
            raise ScaffoldError(f"{target} exists and holds no MOU in force for {icb_code}; name the file with --file")
    doc = _new_document(run, icb_code, mou_id or f"mou-{icb_code}-{effective.year}", effective, expires, wanted)
    out = io.StringIO()
    _yaml().dump(doc, out)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(out.getvalue(), encoding="utf-8", newline="\n")
    except OSError as exc:
        raise ScaffoldError(f"cannot write {target}: {exc.strerror or exc}") from exc
    return Result(target, True, [f"{w.provider}: arrangement added ({w.why})" for w in wanted])


def _update_file(path: Path, icb_code: str, region: str, wanted: list[Wanted], mou_id: str | None) -> Result:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScaffoldError(f"cannot read {path}: {exc}") from exc
    yaml = _yaml(text)
    try:
        docs: list[Any] = list(yaml.load_all(text))
    except YAMLError as exc:
        raise ScaffoldError(f"{path}: cannot parse YAML: {str(exc).splitlines()[0]}") from exc
    mous = [d for d in docs if isinstance(d, CommentedMap) and d.get("kind") == "MOU" and d.get("icb") == icb_code
            and (mou_id is None or d.get("id") == mou_id)]
    if len(mous) != 1:
        what = f"MOU {mou_id}" if mou_id else f"an MOU for ICB {icb_code}"
        raise ScaffoldError(f"{path} holds {len(mous)} documents that are {what}; expected exactly one")
    changes = _update(mous[0], region, wanted)
    if changes:
        out = io.StringIO()
        if len(docs) == 1:
            yaml.dump(docs[0], out)
        else:
            yaml.dump_all(docs, out)
        try:
            path.write_text(_keep_blank_ends(text, out.getvalue()), encoding="utf-8", newline="\n")
        except OSError as exc:
            raise ScaffoldError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return Result(path, False, changes)


def _keep_blank_ends(before: str, after: str) -> str:
    """ruamel.yaml drops blank lines at the very start and end of a file; put back the ones the file had."""
    head = before[: len(before) - len(before.lstrip("\n"))]
    tail = before[len(before.rstrip("\n")):]
    return head + after.strip("\n") + (tail or "\n")
