"""OAF021: a waiver in force that matches no finding."""

from __future__ import annotations

from collections.abc import Iterator

from oafctl.findings import Finding
from oafctl.rules import Context, Rule
from oafctl.rules.oaf020_expired_waiver import source_of
from oafctl.waivers import collect, unused

rule = Rule(
    id="OAF021",
    name="unused-waiver",
    title="Every waiver matches a finding",
    severity="warning",
    what=(
        "A waiver in force (a `kind: Waiver` document, or an `# oafctl-ignore` comment) that matches no "
        "finding of the run: the rule it names reports nothing about its organisations (or fingerprint), or "
        "nothing on the comment's line. Runs after every other rule, on their findings."
    ),
    why=(
        "A waiver that no longer matches anything means the gap was fixed, or the finding moved: either way "
        "the waiver should go, or it will silently hide the next, different finding it happens to match."
    ),
    needs_findings=True,
    passing="""\
# RTD is in segment 1 with no peer_support offer, so OAF004 reports it; the waiver matches that finding
apiVersion: oaf/v1
kind: Waiver
rule: OAF004
organisations: [RTD]
reason: Offer agreed at the March board; recorded next quarter
approver: Director of Strategy, QHM
expires: 2024-09-30
""",
    failing="""\
# RTD declares its peer_support offer, so OAF004 reports nothing about it: the waiver is unused
apiVersion: oaf/v1
kind: Waiver
rule: OAF004
organisations: [RTD]
reason: Offer agreed at the March board; recorded next quarter
approver: Director of Strategy, QHM
expires: 2024-09-30
""",
)


@rule.checker
def check(ctx: Context) -> Iterator[Finding]:
    for entry in unused(collect(ctx.estate), ctx.findings, ctx.estate.as_of):
        if entry.form == "comment":
            where = f"on line {entry.target_line}"
        elif entry.organisations:
            where = f"about {', '.join(entry.organisations)}"
        else:
            where = f"with fingerprint {entry.fingerprint}"
        yield rule.finding(
            source_of(entry),
            ("rule",),
            f"{entry.describe()} matches no finding: {', '.join(entry.rules)} reports nothing {where}",
            organisations=entry.organisations,
            hint="remove the waiver, or correct its rule, organisations or fingerprint",
            key=entry.key,
        )
