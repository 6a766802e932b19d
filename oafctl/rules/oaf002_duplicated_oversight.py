"""OAF002: no provider is overseen twice."""

from __future__ import annotations

from collections.abc import Iterator

from oafctl.findings import Finding
from oafctl.model.documents import MOU
from oafctl.rules import Context, Rule

rule = Rule(
    id="OAF002",
    name="no-duplicated-oversight",
    title="No provider appears in more than one oversight arrangement, and oversight lines agree with it",
    severity="error",
    what=(
        "Among the MOUs in force on `as_of`, each provider appears in at most one arrangement (not in two "
        "MOUs, nor twice in one), and no `oversight` line from the provider names anyone but its "
        "arrangement's lead."
    ),
    why=(
        "Oversight must be proportionate and streamlined, without duplication or extra reporting for "
        "providers; an MOU exists to give each provider one clear oversight arrangement."
    ),
    passing="""\
# MOU mou-QHM-2024 has one arrangement for RTD, and no other MOU in force names RTD
arrangements:
  - {provider: RTD, lead: QHM}
""",
    failing="""\
# mou-QHM-2024 and mou-QOQ-2024 are both in force and both arrange RTD's oversight
arrangements:
  - {provider: RTD, lead: QOQ}
""",
)


@rule.checker
def check(ctx: Context) -> Iterator[Finding]:
    estate = ctx.estate
    first_seen: dict[str, tuple[MOU, int]] = {}
    for mou in estate.mous_in_force:
        for index, arrangement in enumerate(mou.arrangements):
            code = arrangement.provider
            earlier = first_seen.get(code)
            if earlier is None:
                first_seen[code] = (mou, index)
                continue
            where = (f"twice in MOU {mou.id}" if earlier[0] is mou
                     else f"in MOU {earlier[0].id} and again in MOU {mou.id}")
            yield rule.finding(
                mou, ("arrangements", index, "provider"),
                f"Provider {ctx.who(code)} has more than one oversight arrangement in force: {where}",
                organisations=(code, mou.icb, earlier[0].icb),
                hint="keep one arrangement per provider, in the MOU of its host ICB",
                key=(code, mou.id, earlier[0].id),
            )
    for code, (mou, index) in sorted(first_seen.items()):
        lead = mou.arrangements[index].lead
        for line in estate.lines_from.get(code, ()):
            if line.type == "oversight" and line.to != lead:
                yield rule.finding(
                    line, ("to",),
                    f"Provider {ctx.who(code)} has an oversight line to {ctx.who(line.to)}, but MOU {mou.id} "
                    f"names {ctx.who(lead)} as its oversight lead",
                    organisations=(code, line.to, lead),
                    hint=f"point the oversight line at {lead}, or change the arrangement in MOU {mou.id}",
                    key=(code, "line", line.to),
                )
