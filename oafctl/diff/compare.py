"""What a change means: compare two validated estates and say it in the framework's terms.

Both sides went through the same pipeline (load → model → estate → rules), so this module compares typed
estates, never YAML text: organisations added, removed and renamed; segment moves with what the policy pack
then requires of the lead and support; lead and support changes per provider; MOU changes; accountability
lines; and the findings the change introduces or resolves (matched by fingerprint, so a finding that only
moved lines is neither).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from oafctl.engine import Run
from oafctl.findings import Finding
from oafctl.model.documents import ICB, MOU, Arrangement, Organisation, Provider
from oafctl.rules import Context

SECTIONS: dict[str, str] = {
    "settings": "Framework, date and rule settings",
    "organisations": "Organisations",
    "segments": "Segments",
    "arrangements": "Oversight leads and support",
    "mous": "MOUs",
    "lines": "Accountability lines",
    "waivers": "Waivers",
}
"""Section id → heading, in the order reports show them."""

TEXT_SECTIONS = ("title", "purpose", "ways_of_working", "escalation", "information_sharing")
_NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def count(n: int, word: str, many: str | None = None) -> str:
    """'one arrangement', 'three arrangements' (words up to ten, as prose reads)."""
    number = _NUMBERS[n] if n < len(_NUMBERS) else str(n)
    return f"{number} {word if n == 1 else (many or word + 's')}"


def join(items: Iterable[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    seq = list(items)
    if len(seq) <= 1:
        return "".join(seq)
    return ", ".join(seq[:-1]) + " and " + seq[-1]


@dataclass(frozen=True)
class Change:
    """One thing the change does, as a sentence plus machine-readable details."""

    section: str
    subject: str
    text: str
    details: dict[str, Any] = field(default_factory=dict, compare=False)

    def sort_key(self) -> tuple[int, str]:
        """Section, then subject; a stable sort keeps one subject's changes in the order they are found
        (parties, dates, arrangements, text), which is itself deterministic."""
        return (list(SECTIONS).index(self.section), self.subject)


@dataclass
class Side:
    """One side of the diff: how it was named, the commit (None for the working tree), its run."""

    label: str
    commit: str | None
    run: Run


@dataclass
class Diff:
    base: Side
    head: Side
    changes: list[Change]
    introduced: list[Finding]
    resolved: list[Finding]
    waived: list[Finding] = field(default_factory=list)
    """Findings there before and after, waived only after the change."""
    unwaived: list[Finding] = field(default_factory=list)
    """Findings there before and after whose waiver the change removed (or let expire)."""


def _show(value: Any) -> str:
    if value is None or value == [] or value == {}:
        return "nothing"
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, bool):
        return "true" if value else "false"
    text = " ".join(str(value).split())
    return text if len(text) <= 60 else text[:57] + "…"


def _fields(doc: Organisation | MOU | Arrangement, skip: Iterable[str] = ()) -> dict[str, Any]:
    data = doc.model_dump(mode="json", by_alias=True, exclude_none=False)
    for name in ("apiVersion", "kind", *skip):
        data.pop(name, None)
    return data


# ---------------------------------------------------------------------------------------------- settings


def _settings(base: Run, head: Run) -> list[Change]:
    out: list[Change] = []
    if base.pack.id != head.pack.id:
        out.append(Change("settings", "framework", f"the framework changes from {base.pack.id} to {head.pack.id}",
                          {"from": base.pack.id, "to": head.pack.id}))
    if base.as_of != head.as_of:
        out.append(Change("settings", "as_of", f"the estate is judged as of {head.as_of.isoformat()} instead of "
                          f"{base.as_of.isoformat()}", {"from": base.as_of.isoformat(), "to": head.as_of.isoformat()}))
    rules_a, rules_b = _rule_settings(base), _rule_settings(head)
    for rule_id in sorted(set(rules_a) | set(rules_b)):
        x, y = rules_a.get(rule_id), rules_b.get(rule_id)
        if x == y:
            continue
        if y == "off":
            text = f"{rule_id} is switched off"
        elif y is None:
            text = f"{rule_id} is back to its default severity (was {x})"
        else:
            text = f"{rule_id} now reports at severity {y}" + (f" (was {x})" if x else "")
        out.append(Change("settings", rule_id, text, {"rule": rule_id, "from": x, "to": y}))
    excludes_a = set(base.estate.settings[0].exclude) if base.estate.settings else set()
    excludes_b = set(head.estate.settings[0].exclude) if head.estate.settings else set()
    for glob in sorted(excludes_b - excludes_a):
        out.append(Change("settings", "exclude", f"files matching `{glob}` are no longer checked",
                          {"exclude": glob, "change": "added"}))
    for glob in sorted(excludes_a - excludes_b):
        out.append(Change("settings", "exclude", f"files matching `{glob}` are checked again",
                          {"exclude": glob, "change": "removed"}))
    return out


def _rule_settings(run: Run) -> dict[str, str]:
    """Rule id → the severity oaf.yaml sets (`off` included)."""
    if not run.estate.settings:
        return {}
    return {rule_id: value if isinstance(value, str) else value.severity
            for rule_id, value in run.estate.settings[0].rules.items()}


# ----------------------------------------------------------------------------------------- organisations


def _describe_new(org: Organisation) -> str:
    text = f"{org.KIND} {org.code} ({org.name}) is added"
    if isinstance(org, Provider):
        text += f", hosted by {org.icb}, in segment {org.segment}"
    elif isinstance(org, ICB):
        text += f" in region {org.region}" + (f", segment {org.segment}" if org.segment is not None else "")
    return text


def _organisations(base: Run, head: Run) -> list[Change]:
    out: list[Change] = []
    old, new = base.estate.declared, head.estate.declared
    for code in sorted(set(new) - set(old)):
        org = new[code]
        out.append(Change("organisations", code, _describe_new(org),
                          {"change": "added", "kind": org.KIND, "name": org.name}))
    for code in sorted(set(old) - set(new)):
        org = old[code]
        out.append(Change("organisations", code, f"{org.KIND} {code} ({org.name}) is removed",
                          {"change": "removed", "kind": org.KIND, "name": org.name}))
    for code in sorted(set(old) & set(new)):
        a, b = old[code], new[code]
        if a.KIND != b.KIND:
            out.append(Change("organisations", code, f"{code} changes from {a.KIND} to {b.KIND}",
                              {"change": "kind", "from": a.KIND, "to": b.KIND}))
            continue
        if a.name != b.name:
            out.append(Change("organisations", code, f"{code} is renamed from “{a.name}” to “{b.name}”",
                              {"change": "renamed", "from": a.name, "to": b.name}))
        before, after = _fields(a, ("code", "name", "segment")), _fields(b, ("code", "name", "segment"))
        for name in sorted(set(before) | set(after)):
            x, y = before.get(name), after.get(name)
            if x == y:
                continue
            if name == "icb":
                text = f"{code} moves from host ICB {x} to {y}"
            elif name == "region":
                text = f"{code} moves from region {x} to {y}"
            elif name == "peer_support":
                offer_x = (x or {}).get("offer") or ""
                offer_y = (y or {}).get("offer") or ""
                if not offer_x and offer_y:
                    text = f"{code} now declares a peer-support offer"
                elif offer_x and not offer_y:
                    text = f"{code} no longer declares a peer-support offer"
                else:
                    text = f"{code} changes its peer-support declaration"
            elif x is None:
                text = f"{code} gains `{name}`: {_show(y)}"
            elif y is None:
                text = f"{code} loses `{name}` (was {_show(x)})"
            else:
                text = f"{code}: `{name}` changes from {_show(x)} to {_show(y)}"
            out.append(Change("organisations", code, text, {"change": "field", "field": name, "from": x, "to": y}))
    return out


# ---------------------------------------------------------------------------------------------- segments


def _required(run: Run, provider: Provider) -> tuple[str | None, list[str]]:
    """The lead and the required support the run's pack gives this provider, as codes."""
    from oafctl.rules.oaf003_segment_lead import resolve_role

    ctx = Context(estate=run.estate, pack=run.pack)
    host = run.estate.icbs.get(provider.icb)
    entry = run.pack.lead_for(provider.segment, host.capability if host else None)
    if entry is None:
        return None, []
    lead = resolve_role(ctx, entry.lead, provider)
    support = [c for c in (resolve_role(ctx, role, provider) for role in entry.support) if c is not None]
    return lead, sorted(set(support) - {lead} if lead else set(support))


def _duty(run: Run, org: ICB | Provider, segment: int | None) -> bool:
    duty = run.pack.peer_support
    return duty is not None and segment is not None and segment in duty.segments and org.KIND in duty.kinds


def _arrangement_of(run: Run, code: str) -> tuple[MOU, Arrangement] | None:
    for mou in sorted(run.estate.mous_in_force, key=lambda m: m.id):
        for arrangement in mou.arrangements:
            if arrangement.provider == code:
                return mou, arrangement
    return None


def _segment_sentence(base: Run, head: Run, a: Provider, b: Provider) -> tuple[str, dict[str, Any]]:
    text = f"{b.code} moves from segment {a.segment} to {b.segment}"
    lead_a, support_a = _required(base, a)
    lead_b, support_b = _required(head, b)
    details: dict[str, Any] = {"from": a.segment, "to": b.segment, "lead": {"from": lead_a, "to": lead_b},
                               "required_support": {"from": support_a, "to": support_b}}
    if lead_b is None:
        return text + f"; {head.pack.id} gives no lead for segment {b.segment}", details
    lead_part = f"its lead stays {lead_b}" if lead_a == lead_b else (
        f"its lead changes from {lead_a} to {lead_b}" if lead_a else f"its lead is {lead_b}")
    gained = [c for c in support_b if c not in support_a]
    dropped = [c for c in support_a if c not in support_b and c != lead_b]
    parts = []
    if gained:
        parts.append(f"{join(gained)} must now be named as support")
    if dropped:
        parts.append(f"{join(dropped)} need{'s' if len(dropped) == 1 else ''} no longer be named as support")
    if parts:
        glue = " but " if lead_a == lead_b and gained else ", and "
        text += f"; {lead_part}{glue}{' and '.join(parts)}"
    else:
        text += f"; {lead_part}" + ("" if lead_a != lead_b else " and its required support is unchanged")
    found = _arrangement_of(head, b.code)
    if found is not None and (lead_a != lead_b or gained):
        mou, arrangement = found
        missing = [c for c in support_b if c not in arrangement.support and c != arrangement.lead]
        if arrangement.lead == lead_b and not missing:
            text += f" (MOU {mou.id} already says so)"
        else:
            text += f" (MOU {mou.id} does not say so yet)"
    if _duty(base, a, a.segment) != _duty(head, b, b.segment):
        text += "; it now carries the peer-support duty" if _duty(head, b, b.segment) else \
            "; it no longer carries the peer-support duty"
    return text, details


def _segments(base: Run, head: Run) -> list[Change]:
    out: list[Change] = []
    old, new = base.estate.declared, head.estate.declared
    for code in sorted(set(old) & set(new)):
        a, b = old[code], new[code]
        if isinstance(a, Provider) and isinstance(b, Provider) and a.segment != b.segment:
            text, details = _segment_sentence(base, head, a, b)
            out.append(Change("segments", code, text, details))
        elif isinstance(a, ICB) and isinstance(b, ICB) and a.segment != b.segment:
            what = (f"{code} moves from segment {a.segment} to {b.segment}" if a.segment and b.segment else
                    f"{code} is now in segment {b.segment}" if b.segment else f"{code} is no longer segmented")
            if _duty(base, a, a.segment) != _duty(head, b, b.segment):
                what += "; it now carries the peer-support duty" if _duty(head, b, b.segment) else \
                    "; it no longer carries the peer-support duty"
            out.append(Change("segments", code, what, {"from": a.segment, "to": b.segment}))
    return out


# ------------------------------------------------------------------------------------------ arrangements


def _leads(run: Run) -> dict[str, tuple[str, Arrangement]]:
    """Provider → (MOU id, arrangement) among the MOUs in force (the first, in MOU id order)."""
    out: dict[str, tuple[str, Arrangement]] = {}
    for mou in sorted(run.estate.mous_in_force, key=lambda m: m.id):
        for arrangement in mou.arrangements:
            out.setdefault(arrangement.provider, (mou.id, arrangement))
    return out


def _support_text(codes: list[str]) -> str:
    return f"support {join(codes)}" if codes else "no support"


def _arrangements(base: Run, head: Run) -> list[Change]:
    out: list[Change] = []
    old, new = _leads(base), _leads(head)
    for code in sorted(set(old) | set(new)):
        a, b = old.get(code), new.get(code)
        if a is None and b is not None:
            mou_id, arr = b
            out.append(Change("arrangements", code, f"{code} is now overseen under MOU {mou_id}: lead {arr.lead}, "
                              f"{_support_text(arr.support)}", {"change": "added", "mou": mou_id, "lead": arr.lead,
                                                                "support": arr.support}))
        elif b is None and a is not None:
            mou_id, arr = a
            out.append(Change("arrangements", code, f"{code} no longer has an oversight arrangement in an MOU in "
                              f"force (it was led by {arr.lead} under MOU {mou_id})",
                              {"change": "removed", "mou": mou_id, "lead": arr.lead}))
        elif a is not None and b is not None:
            (mou_a, arr_a), (mou_b, arr_b) = a, b
            parts: list[str] = []
            if arr_a.lead != arr_b.lead:
                parts.append(f"its lead changes from {arr_a.lead} to {arr_b.lead}")
            gained = sorted(set(arr_b.support) - set(arr_a.support))
            lost = sorted(set(arr_a.support) - set(arr_b.support))
            if gained:
                parts.append(f"{join(gained)} now support{'s' if len(gained) == 1 else ''}")
            if lost:
                parts.append(f"{join(lost)} no longer support{'s' if len(lost) == 1 else ''}")
            if mou_a != mou_b:
                parts.append(f"it moves from MOU {mou_a} to {mou_b}")
            if parts:
                out.append(Change("arrangements", code, f"{code}: {'; '.join(parts)}",
                                  {"change": "changed", "lead": {"from": arr_a.lead, "to": arr_b.lead},
                                   "support": {"added": gained, "removed": lost},
                                   "mou": {"from": mou_a, "to": mou_b}}))
    return out


# -------------------------------------------------------------------------------------------------- MOUs


def _by_id(run: Run) -> dict[str, MOU]:
    out: dict[str, MOU] = {}
    for mou in run.estate.mous:
        out.setdefault(mou.id, mou)
    return out


def _mou_changes(mou_id: str, a: MOU, b: MOU) -> list[Change]:
    out: list[Change] = []
    subject = f"MOU {mou_id}"

    def add(text: str, **details: Any) -> None:
        out.append(Change("mous", mou_id, f"{subject} {text}", details))

    if a.icb != b.icb:
        add(f"is now between ICB {b.icb} and its region (was ICB {a.icb})", aspect="parties", field="icb",
            to=b.icb, **{"from": a.icb})
    if a.region != b.region:
        add(f"now names region {b.region} (was {a.region})", aspect="parties", field="region", to=b.region,
            **{"from": a.region})
    sign_a = {(s.organisation, s.role, s.name) for s in a.signatories}
    sign_b = {(s.organisation, s.role, s.name) for s in b.signatories}
    for org, role, name in sorted(sign_b - sign_a):
        add(f"gains a signatory: {name}, {role} ({org})", aspect="parties", field="signatories", added=name)
    for org, role, name in sorted(sign_a - sign_b):
        add(f"loses a signatory: {name}, {role} ({org})", aspect="parties", field="signatories", removed=name)
    for name in ("effective", "expires", "review_date"):
        x, y = getattr(a, name), getattr(b, name)
        if x != y:
            words = {"effective": "now takes effect on", "expires": "now expires on",
                     "review_date": "is now due for review on"}[name]
            shown_x = x.isoformat() if x else "no date"
            shown_y = y.isoformat() if y else "no date"
            add(f"{words} {shown_y} (was {shown_x})" if y else f"no longer has a {name} (was {shown_x})",
                aspect="dates", field=name, to=shown_y, **{"from": shown_x})
    if a.status != b.status:
        add(f"changes status from {a.status} to {b.status}", aspect="dates", field="status", to=b.status,
            **{"from": a.status})
    arr_a = {x.provider: x for x in a.arrangements}
    arr_b = {x.provider: x for x in b.arrangements}
    added = sorted(set(arr_b) - set(arr_a))
    removed = sorted(set(arr_a) - set(arr_b))
    if added:
        add(f"gains {count(len(added), 'arrangement')} ({join(f'{p}, lead {arr_b[p].lead}' for p in added)})",
            aspect="arrangements", added=added)
    if removed:
        add(f"loses {count(len(removed), 'arrangement')} ({join(removed)})", aspect="arrangements", removed=removed)
    for provider in sorted(set(arr_a) & set(arr_b)):
        x, y = _fields(arr_a[provider]), _fields(arr_b[provider])
        changed = sorted(k for k in set(x) | set(y) if x.get(k) != y.get(k))
        if changed:
            add(f"changes its arrangement for {provider} ({join(f'`{k}`' for k in changed)})",
                aspect="arrangements", provider=provider, fields=changed)
    texts_a = {k: getattr(a, k) for k in TEXT_SECTIONS} | {f"sections.{k}": v for k, v in a.sections.items()}
    texts_b = {k: getattr(b, k) for k in TEXT_SECTIONS} | {f"sections.{k}": v for k, v in b.sections.items()}
    dump_a, dump_b = _fields(a), _fields(b)
    for key in sorted(set(texts_a) | set(texts_b)):
        x, y = texts_a.get(key), texts_b.get(key)
        if x == y:
            continue
        if x in (None, "", []):
            add(f"gains the section `{key}`", aspect="text", section=key, change="added")
        elif y in (None, "", []):
            add(f"loses the section `{key}`", aspect="text", section=key, change="removed")
        else:
            add(f"changes the text of `{key}`", aspect="text", section=key, change="changed")
    handled = {"id", "icb", "region", "signatories", "effective", "expires", "review_date", "status",
               "arrangements", "sections", *TEXT_SECTIONS}
    for key in sorted((set(dump_a) | set(dump_b)) - handled):
        x, y = dump_a.get(key), dump_b.get(key)
        if x != y:
            add(f"changes `{key}` from {_show(x)} to {_show(y)}", aspect="other", field=key)
    return out


def _mous(base: Run, head: Run) -> list[Change]:
    out: list[Change] = []
    old, new = _by_id(base), _by_id(head)
    for mou_id in sorted(set(new) - set(old)):
        m = new[mou_id]
        out.append(Change("mous", mou_id, f"MOU {mou_id} is added: ICB {m.icb} with region {m.region}, "
                          f"{m.effective.isoformat()} to {m.expires.isoformat()}, {m.status}, "
                          f"{count(len(m.arrangements), 'arrangement')}", {"change": "added"}))
    for mou_id in sorted(set(old) - set(new)):
        out.append(Change("mous", mou_id, f"MOU {mou_id} is removed", {"change": "removed"}))
    for mou_id in sorted(set(old) & set(new)):
        out.extend(_mou_changes(mou_id, old[mou_id], new[mou_id]))
    return out


# ------------------------------------------------------------------------------------------------- lines


def _lines(base: Run, head: Run) -> list[Change]:
    def keyed(run: Run) -> dict[tuple[str, str, str], str | None]:
        return {(line.from_, line.to, line.type): line.notes for line in run.estate.lines}

    old, new = keyed(base), keyed(head)
    out: list[Change] = []
    for key in sorted(set(new) - set(old)):
        out.append(Change("lines", key[0], f"{key[0]} → {key[1]} ({key[2]}) is added",
                          {"change": "added", "from": key[0], "to": key[1], "type": key[2]}))
    for key in sorted(set(old) - set(new)):
        out.append(Change("lines", key[0], f"{key[0]} → {key[1]} ({key[2]}) is removed",
                          {"change": "removed", "from": key[0], "to": key[1], "type": key[2]}))
    return out


# ----------------------------------------------------------------------------------------------- waivers


def _waivers(base: Run, head: Run) -> list[Change]:
    """Waivers added or removed (both forms), and changes to a Waiver document's expiry or reason: a PR that
    accepts a finding should say so as plainly as one that fixes it."""
    from oafctl.waivers import WaiverEntry, collect

    def keyed(run: Run) -> dict[tuple[str, ...], WaiverEntry]:
        return {entry.key: entry for entry in collect(run.estate)}

    def what(entry: WaiverEntry) -> str:
        text = entry.describe()
        if entry.form == "comment":
            text += f" in {entry.file}"
        until = f" until {entry.expires.isoformat()}" if entry.expires else ""
        approver = f", approved by {entry.document.approver}" if entry.document is not None else ""
        return f"{text}{until}{approver}: {entry.reason}"

    old, new = keyed(base), keyed(head)
    out: list[Change] = []
    for key in sorted(set(new) - set(old)):
        entry = new[key]
        out.append(Change("waivers", ",".join(entry.rules), f"added: {what(entry)}",
                          {"change": "added", "form": entry.form, "rules": list(entry.rules),
                           "expires": entry.expires.isoformat() if entry.expires else None}))
    for key in sorted(set(old) - set(new)):
        entry = old[key]
        out.append(Change("waivers", ",".join(entry.rules), f"removed: {what(entry)}",
                          {"change": "removed", "form": entry.form, "rules": list(entry.rules)}))
    for key in sorted(set(old) & set(new)):
        a, b = old[key], new[key]
        if a.expires != b.expires:
            shown_a = a.expires.isoformat() if a.expires else "no date"
            shown_b = b.expires.isoformat() if b.expires else "no date"
            out.append(Change("waivers", ",".join(b.rules), f"{b.describe()} now expires on {shown_b} (was {shown_a})",
                              {"change": "expires", "from": shown_a, "to": shown_b}))
    return out


# -------------------------------------------------------------------------------------------------- all


def compare(base: Side, head: Side) -> Diff:
    """Everything the change from `base` to `head` means."""
    a, b = base.run, head.run
    changes = [*_settings(a, b), *_organisations(a, b), *_segments(a, b), *_arrangements(a, b), *_mous(a, b),
               *_lines(a, b), *_waivers(a, b)]
    before = {f.fingerprint: f for f in a.findings}
    after = {f.fingerprint: f for f in b.findings}
    introduced = [f for f in b.findings if f.fingerprint not in before]
    resolved = [f for f in a.findings if f.fingerprint not in after]
    waived = [f for f in b.findings if f.waived and f.fingerprint in before and not before[f.fingerprint].waived]
    unwaived = [f for f in b.findings if not f.waived and f.fingerprint in before and before[f.fingerprint].waived]
    return Diff(base, head, sorted(changes, key=Change.sort_key), introduced, resolved, waived, unwaived)
