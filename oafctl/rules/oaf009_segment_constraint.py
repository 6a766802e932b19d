"""OAF009: segment constraints from the pack's obligations, e.g. nof-2025-26's financial override."""

from __future__ import annotations

from collections.abc import Iterator

from oafctl.findings import Finding
from oafctl.model.documents import ICB, Provider
from oafctl.rules import Context, Rule

rule = Rule(
    id="OAF009",
    name="segment-constraint",
    title="Organisations meet the edition's segment constraints (the financial override)",
    severity="error",
    what=(
        "For each OAF009 obligation in the policy pack, an ICB or provider that matches its `when` test is in "
        "one of its `segments`. The shipped constraint is nof-2025-26's financial override: a provider with "
        "`financial_deficit: true` is in segment 3, 4 or 5. The obligation sets the severity."
    ),
    why=(
        "Under the NHS Oversight Framework 2025/26 a provider in financial deficit cannot be placed above "
        "segment 3, whatever its other metrics say; a segment that ignores the override misstates who leads "
        "its oversight and what support it gets."
    ),
    passing="""\
# nof-2025-26
kind: Provider
code: RXX
financial_deficit: true
segment: 3
""",
    failing="""\
# nof-2025-26: a provider in deficit cannot be above segment 3
kind: Provider
code: RXX
financial_deficit: true
segment: 2
""",
)


@rule.checker
def check(ctx: Context) -> Iterator[Finding]:
    pack = ctx.pack
    for obligation in pack.obligations_for(rule.id):
        assert obligation.when is not None and obligation.segments is not None  # the pack model ensures it
        orgs: list[ICB | Provider] = sorted(
            (ctx.estate.icbs if obligation.kind == "ICB" else ctx.estate.providers).values(),
            key=lambda o: o.code,
        )
        allowed = ", ".join(map(str, obligation.segments))
        for org in orgs:
            if not obligation.when.holds(getattr(org, obligation.when.field)):
                continue
            if org.segment in obligation.segments:
                continue
            where = ("segment",) if org.segment is not None else (obligation.when.field,)
            shown = f"segment {org.segment}" if org.segment is not None else "no segment"
            yield rule.finding(
                org, where,
                f"{org.KIND} {ctx.who(org.code)} has {obligation.when.describe()} and {shown}, but under "
                f"{pack.id} ({obligation.title}) it must be in segment {allowed}",
                organisations=(org.code,),
                hint=obligation.hint or f"place it in segment {allowed}",
                key=(org.code, obligation.id),
                severity=obligation.severity,
            )
