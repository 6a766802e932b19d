"""OAF001: one primary relationship with NHS England, through the right regional team."""

from __future__ import annotations

from collections.abc import Iterator

from oafctl.findings import Finding
from oafctl.rules import Context, Rule

rule = Rule(
    id="OAF001",
    name="single-primary-relationship",
    title="Every ICB and provider has exactly one primary relationship, with its regional team",
    severity="error",
    what=(
        "Every ICB and provider has exactly one `AccountabilityLine` of type `primary-relationship`, and it "
        "goes to the right NHS England regional team: an ICB's own region, a provider's host ICB's region."
    ),
    why=(
        "The operating framework gives each ICB and each provider one primary relationship with NHS England, "
        "through the relevant regional team. None leaves the organisation without a route; two, or one to "
        "the wrong team, means two parts of NHS England each think the other holds the relationship."
    ),
    passing="""\
apiVersion: oaf/v1
kind: AccountabilityLine
from: RTD          # hosted by QHM, in region Y63
to: Y63
type: primary-relationship
""",
    failing="""\
apiVersion: oaf/v1
kind: AccountabilityLine
from: RTD
to: Y62            # the wrong regional team: RTD's host ICB is in Y63
type: primary-relationship
""",
)


@rule.checker
def check(ctx: Context) -> Iterator[Finding]:
    estate = ctx.estate
    for org in sorted([*estate.icbs.values(), *estate.providers.values()], key=lambda o: o.code):
        primaries = [ln for ln in estate.lines_from.get(org.code, ()) if ln.type == "primary-relationship"]
        expected = estate.region_of(org.code)
        via = "its region" if org.KIND == "ICB" else f"the region of its host ICB {getattr(org, 'icb', '')}"
        if not primaries:
            target = f"its regional team {ctx.who(expected)}" if expected else "its regional team"
            yield rule.finding(
                org, ("code",),
                f"{org.KIND} {ctx.who(org.code)} has no primary-relationship line; it should have one to {target}",
                organisations=(org.code, *(filter(None, [expected]))),
                hint=(f"add `kind: AccountabilityLine` with `from: {org.code}`, `to: {expected or 'REGION'}`, "
                      "`type: primary-relationship`"),
                key=(org.code, "missing"),
            )
            continue
        if len(primaries) > 1:
            targets = ", ".join(ln.to for ln in primaries)
            for extra in primaries[1:]:
                yield rule.finding(
                    extra, ("from",),
                    f"{org.KIND} {ctx.who(org.code)} has {len(primaries)} primary-relationship lines "
                    f"(to {targets}); the framework gives exactly one",
                    organisations=(org.code, *(ln.to for ln in primaries)),
                    hint="keep the line to the regional team and make the others `type: oversight` or remove them",
                    key=(org.code, "several", extra.to),
                )
        line = primaries[0]
        if expected is not None and line.to != expected:
            yield rule.finding(
                line, ("to",),
                f"{org.KIND} {ctx.who(org.code)} has its primary relationship with {ctx.who(line.to)}, but it "
                f"should be with {ctx.who(expected)}, {via}",
                organisations=(org.code, line.to, expected),
                hint=f"set `to: {expected}`",
                key=(org.code, "wrong-region"),
            )
