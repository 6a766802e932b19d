"""OAF010: the duties a pack attaches to segments (a plan, enhanced reporting, a capability rating)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from oafctl.findings import Finding
from oafctl.model.documents import ICB, Provider
from oafctl.packs import Obligation
from oafctl.rules import Context, Rule

rule = Rule(
    id="OAF010",
    name="segment-obligations",
    title="Organisations in a segment meet the obligations the edition attaches to it",
    severity="error",
    what=(
        "For each OAF010 obligation in the policy pack, every organisation of its kind in its `segments` (and "
        "`capability` ratings, where given) satisfies its `require` test. An obligation about an "
        "`Arrangement` reads the provider's arrangement in its MOU in force. Shipped: nof-2025-26 asks for an "
        "`improvement_plan` at segments 4-5 and `reporting: enhanced` (or intensive) at segment 3; oaf-2024 "
        "asks for capability ratings, a capability plan at provider capability 3-4, and enhanced reporting at "
        "segments 3-4. Each obligation sets its severity and carries its source sentence."
    ),
    why=(
        "A segment is more than a label: it brings reporting, support and plans with it. Declaring them as data "
        "lets a governance lead see which organisations lack what their segment requires."
    ),
    passing="""\
# nof-2025-26: segment 4 brings an improvement plan
kind: Provider
code: RXX
segment: 4
improvement_plan: {title: Urgent care recovery plan, agreed: 2025-06-30}
""",
    failing="""\
# nof-2025-26: segment 4 without an improvement plan
kind: Provider
code: RXX
segment: 4
""",
)


def _value(obj: Any, field: str) -> Any:
    """A field's value by its YAML name (the pack model checked that the field exists)."""
    return getattr(obj, field, None)


def _check_orgs(ctx: Context, obligation: Obligation) -> Iterator[Finding]:
    assert obligation.require is not None  # the pack model ensures it
    test = obligation.require
    orgs: list[ICB | Provider] = sorted(
        (ctx.estate.icbs if obligation.kind == "ICB" else ctx.estate.providers).values(),
        key=lambda o: o.code,
    )
    for org in orgs:
        if not obligation.applies_to(org.segment, org.capability):
            continue
        value = _value(org, test.field)
        if test.holds(value):
            continue
        why = _why(org.segment, org.capability, obligation)
        where = (test.field,) if value is not None else ("segment",) if obligation.segments else ()
        yield rule.finding(
            org, where,
            f"{org.KIND} {ctx.who(org.code)}{why} must have {test.describe()} under {ctx.pack.id} "
            f"({obligation.title})",
            organisations=(org.code,),
            hint=obligation.hint or f"add {test.describe()}",
            key=(org.code, obligation.id),
            severity=obligation.severity,
        )


def _why(segment: int | None, capability: int | None, obligation: Obligation) -> str:
    parts = []
    if obligation.segments is not None:
        parts.append(f"in segment {segment}")
    if obligation.capability is not None:
        parts.append(f"rated capability {capability}")
    return f" {', '.join(parts)}," if parts else ""


def _check_arrangements(ctx: Context, obligation: Obligation) -> Iterator[Finding]:
    assert obligation.require is not None
    test = obligation.require
    for mou in ctx.estate.mous_in_force:
        for index, arrangement in enumerate(mou.arrangements):
            provider = ctx.estate.providers.get(arrangement.provider)
            if provider is None or not obligation.applies_to(provider.segment, provider.capability):
                continue
            value = _value(arrangement, test.field)
            if test.holds(value):
                continue
            why = _why(provider.segment, provider.capability, obligation)
            yield rule.finding(
                mou, ("arrangements", index, test.field) if value is not None else ("arrangements", index),
                f"the arrangement for Provider {ctx.who(provider.code)}{why} in MOU {mou.id} must have "
                f"{test.describe()} under {ctx.pack.id} ({obligation.title})",
                organisations=(provider.code,),
                hint=obligation.hint or f"add {test.describe()} to this arrangement",
                key=(mou.id, provider.code, obligation.id),
                severity=obligation.severity,
            )


@rule.checker
def check(ctx: Context) -> Iterator[Finding]:
    for obligation in ctx.pack.obligations_for(rule.id):
        if obligation.kind == "Arrangement":
            yield from _check_arrangements(ctx, obligation)
        else:
            yield from _check_orgs(ctx, obligation)
