"""OAF003: each arrangement's lead and support are the ones the pack gives for the provider's segment."""

from __future__ import annotations

from collections.abc import Iterator

from oafctl.findings import Finding
from oafctl.model.documents import Provider
from oafctl.rules import Context, Rule

rule = Rule(
    id="OAF003",
    name="segment-lead",
    title="Each arrangement's lead, and its required support, match the provider's segment",
    severity="error",
    what=(
        "For every arrangement in an MOU in force, the lead is the organisation the policy pack's lead table "
        "gives for the provider's segment (and, where the pack rates capability, its host ICB's capability), "
        "and `support` names every organisation the table requires; it may name others."
    ),
    why=(
        "Who leads oversight depends on the segment, and the table differs by edition: under SOF 2022/23 the "
        "ICB leads at segments 1-3 with regional support at 3 and the region leads at 4 with national "
        "support; under the NHS Oversight Framework 2025/26 regional teams lead and national leads at 5."
    ),
    passing="""\
# sof-2022-23: RTD is in segment 3, hosted by QHM (region Y63)
arrangements:
  - {provider: RTD, lead: QHM, support: [Y63]}
""",
    failing="""\
# sof-2022-23: RTD is in segment 3, so its host ICB QHM leads with Y63 in support
arrangements:
  - {provider: RTD, lead: Y63}
""",
)

ROLE_WORDS = {"host-icb": "the host ICB", "region": "the regional team", "national": "NHS England national"}


def resolve_role(ctx: Context, role: str, provider: Provider) -> str | None:
    """The code a pack role stands for, relative to a provider; None when the estate cannot say."""
    if role == "host-icb":
        return provider.icb if provider.icb in ctx.estate.icbs else None
    if role == "region":
        return ctx.estate.region_of(provider.code)
    if role == "national":
        return ctx.pack.national_body
    return None


@rule.checker
def check(ctx: Context) -> Iterator[Finding]:
    estate, pack = ctx.estate, ctx.pack
    for mou in estate.mous_in_force:
        for index, arrangement in enumerate(mou.arrangements):
            provider = estate.providers.get(arrangement.provider)
            if provider is None:
                continue  # OAF006 reports unknown providers
            host = estate.icbs.get(provider.icb)
            entry = pack.lead_for(provider.segment, host.capability if host else None)
            if entry is None:
                continue  # OAF007 reports segments outside the pack (or an unrated host ICB)
            expected = resolve_role(ctx, entry.lead, provider)
            if expected is None:
                continue
            context = f"under {pack.id}, Provider {ctx.who(provider.code)} in segment {provider.segment}"
            if host is not None and entry.icb_capability is not None:
                context += f" with host ICB {host.code} rated capability {host.capability}"
            if arrangement.lead != expected:
                yield rule.finding(
                    mou, ("arrangements", index, "lead"),
                    f"{context} is led by {ROLE_WORDS[entry.lead]} {ctx.who(expected)}, but MOU {mou.id} names "
                    f"{ctx.who(arrangement.lead)} as lead",
                    organisations=(provider.code, expected, arrangement.lead),
                    hint=f"set `lead: {expected}` in this arrangement",
                    key=(mou.id, provider.code, "lead"),
                )
            for role in entry.support:
                needed = resolve_role(ctx, role, provider)
                if needed is None or needed in arrangement.support or needed == arrangement.lead:
                    continue
                yield rule.finding(
                    mou, ("arrangements", index, "support") if arrangement.support else ("arrangements", index),
                    f"{context} needs {ROLE_WORDS[role]} {ctx.who(needed)} in support, but MOU {mou.id} does not "
                    "name it",
                    organisations=(provider.code, needed),
                    hint=f"add {needed} to `support` in this arrangement",
                    key=(mou.id, provider.code, "support", needed),
                )
