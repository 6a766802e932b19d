"""OAF005: each ICB has one MOU in force, with its own region, covering exactly the providers it hosts."""

from __future__ import annotations

from collections.abc import Iterator

from oafctl.findings import Finding
from oafctl.rules import Context, Rule

rule = Rule(
    id="OAF005",
    name="mou-coverage",
    title="Each ICB has one MOU in force with its regional team, covering every provider it hosts",
    severity="error",
    what=(
        "Each ICB has exactly one MOU in force on `as_of`, agreed with its own regional team, and the MOU's "
        "arrangements cover every provider the ICB hosts and only those. A provider missing from every MOU "
        "in force is reported too."
    ),
    why=(
        "How the oversight framework applies in each ICS area is agreed in a memorandum of understanding "
        "between each ICB and the relevant NHS England regional team, giving clarity of oversight "
        "arrangements for each provider, avoiding duplication."
    ),
    passing="""\
kind: MOU
id: mou-QHM-2024
icb: QHM
region: Y63        # QHM's own region
effective: 2024-04-01
expires: 2025-03-31
arrangements:      # one per provider hosted by QHM
  - {provider: RTD, lead: QHM}
  - {provider: RVW, lead: QHM}
""",
    failing="""\
kind: MOU
id: mou-QHM-2024
icb: QHM
region: Y62        # not QHM's region
effective: 2024-04-01
expires: 2025-03-31
arrangements:
  - {provider: RTD, lead: QHM}   # RVW, also hosted by QHM, is missing
""",
)


@rule.checker
def check(ctx: Context) -> Iterator[Finding]:
    estate = ctx.estate
    covered: set[str] = set()
    for mou in estate.mous_in_force:
        covered.update(a.provider for a in mou.arrangements)
    for icb in sorted(estate.icbs.values(), key=lambda i: i.code):
        mous = estate.mous_by_icb.get(icb.code, [])
        hosted = sorted(p.code for p in estate.providers_by_icb.get(icb.code, ()) if p.code in estate.providers)
        if not mous:
            others = [m for m in estate.mous if m.icb == icb.code]
            aside = ""
            if others:
                aside = "; " + ", ".join(
                    f"MOU {m.id} runs {m.effective.isoformat()} to {m.expires.isoformat()}" for m in others
                )
            yield rule.finding(
                icb, ("code",),
                f"ICB {ctx.who(icb.code)} has no MOU in force on {estate.as_of.isoformat()} with its regional team "
                f"{icb.region}{aside}",
                organisations=(icb.code, icb.region),
                hint=f"add a `kind: MOU` with `icb: {icb.code}` and `region: {icb.region}` in force on that date "
                     f"(`oafctl mou scaffold --icb {icb.code}` writes one)",
                key=(icb.code, "no-mou"),
            )
            for code in hosted:
                if code not in covered:
                    provider = estate.providers[code]
                    yield rule.finding(
                        provider, ("icb",),
                        f"Provider {ctx.who(code)} is in no MOU in force: its host ICB {icb.code} has none",
                        organisations=(code, icb.code),
                        hint=f"add an arrangement for {code} to the MOU of ICB {icb.code}",
                        key=(code, "uncovered"),
                    )
            continue
        mou = mous[0]
        for extra in mous[1:]:
            yield rule.finding(
                extra, ("id",),
                f"ICB {ctx.who(icb.code)} has {len(mous)} MOUs in force ({', '.join(m.id for m in mous)}); "
                "an ICB has one MOU with its regional team",
                organisations=(icb.code,),
                hint="end the older MOU (`expires`) the day before the new one takes effect",
                key=(icb.code, "several", extra.id),
            )
        if mou.region != icb.region and mou.region in estate.regions:
            yield rule.finding(
                mou, ("region",),
                f"MOU {mou.id} of ICB {ctx.who(icb.code)} is agreed with {ctx.who(mou.region)}, but the ICB's "
                f"regional team is {ctx.who(icb.region)}",
                organisations=(icb.code, mou.region, icb.region),
                hint=f"set `region: {icb.region}`",
                key=(mou.id, "region"),
            )
        arranged = {a.provider for a in mou.arrangements}
        for code in hosted:
            if code not in arranged:
                yield rule.finding(
                    mou, ("arrangements",),
                    f"MOU {mou.id} of ICB {icb.code} has no arrangement for Provider {ctx.who(code)}, which the "
                    "ICB hosts",
                    organisations=(code, icb.code),
                    hint=f"add `- {{provider: {code}, lead: ...}}` to `arrangements`",
                    key=(mou.id, code, "missing"),
                )
        for index, arrangement in enumerate(mou.arrangements):
            foreign = estate.providers.get(arrangement.provider)
            if foreign is not None and foreign.icb != icb.code:
                yield rule.finding(
                    mou, ("arrangements", index, "provider"),
                    f"MOU {mou.id} of ICB {icb.code} arranges oversight of Provider {ctx.who(foreign.code)}, "
                    f"which is hosted by ICB {foreign.icb}",
                    organisations=(foreign.code, icb.code, foreign.icb),
                    hint=f"move this arrangement to the MOU of ICB {foreign.icb}",
                    key=(mou.id, foreign.code, "not-hosted"),
                )
