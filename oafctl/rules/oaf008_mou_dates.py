"""OAF008: an MOU takes effect before it expires."""

from __future__ import annotations

from collections.abc import Iterator

from oafctl.findings import Finding
from oafctl.rules import Context, Rule

rule = Rule(
    id="OAF008",
    name="mou-dates",
    title="An MOU's `effective` date is before its `expires` date, and its review falls within them",
    severity="error",
    what=(
        "An MOU's `effective` date comes before its `expires` date, and a `review_date`, where given, falls "
        "between them. Whether an MOU is in force is judged on `as_of`: `effective <= as_of <= expires`."
    ),
    why=(
        "The MOU between each ICB and its regional team is the agreed record of oversight; one whose period "
        "is empty or reversed is never in force, so its providers silently have no agreed arrangement."
    ),
    passing="""\
kind: MOU
id: mou-QHM-2024
effective: 2024-04-01
expires: 2025-03-31
""",
    failing="""\
kind: MOU
id: mou-QHM-2024
effective: 2025-04-01
expires: 2024-03-31   # before it takes effect
""",
)


@rule.checker
def check(ctx: Context) -> Iterator[Finding]:
    for mou in ctx.estate.mous:
        if mou.effective >= mou.expires:
            yield rule.finding(
                mou, ("expires",),
                f"MOU {mou.id} between ICB {ctx.who(mou.icb)} and {ctx.who(mou.region)} expires on "
                f"{mou.expires.isoformat()}, not after it takes effect on {mou.effective.isoformat()}, "
                "so it is never in force",
                organisations=(mou.icb, mou.region),
                hint="set `expires` after `effective` (an MOU usually runs to 31 March)",
                key=(mou.id, "period"),
            )
        elif mou.review_date is not None and not mou.effective <= mou.review_date <= mou.expires:
            yield rule.finding(
                mou, ("review_date",),
                f"MOU {mou.id} between ICB {ctx.who(mou.icb)} and {ctx.who(mou.region)} has its review on "
                f"{mou.review_date.isoformat()}, outside its period {mou.effective.isoformat()} to "
                f"{mou.expires.isoformat()}",
                organisations=(mou.icb, mou.region),
                hint="set `review_date` within the MOU's period",
                key=(mou.id, "review"),
            )
