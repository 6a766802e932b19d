"""OAF020: a waiver whose expiry date has passed (on `as_of`) waives nothing and is itself a finding."""

from __future__ import annotations

from collections.abc import Iterator

from oafctl.findings import Finding
from oafctl.model.source import Source
from oafctl.rules import Context, Rule
from oafctl.waivers import WaiverEntry, collect

rule = Rule(
    id="OAF020",
    name="expired-waiver",
    title="No waiver has expired",
    severity="error",
    what=(
        "A `kind: Waiver` document whose `expires` date, or an `# oafctl-ignore: RULE until DATE reason` "
        "comment whose date, is before the estate's `as_of` date. An expired waiver no longer waives "
        "anything: the finding it covered is reported again, and so is the waiver."
    ),
    why=(
        "A waiver accepts a known gap for a time, with a reason and an approver. When that time is up, the "
        "governance lead must either close the gap or renew the waiver with a fresh decision; a waiver that "
        "quietly outlives its date is an accepted risk nobody is reviewing."
    ),
    passing="""\
apiVersion: oaf/v1
kind: Waiver
rule: OAF004
organisations: [RTD]
reason: Peer-support offer agreed at the March board; recorded next quarter
approver: Director of Strategy, QHM
expires: 2024-09-30        # after as_of 2024-06-01
""",
    failing="""\
apiVersion: oaf/v1
kind: Waiver
rule: OAF004
organisations: [RTD]
reason: Peer-support offer agreed at the March board; recorded next quarter
approver: Director of Strategy, QHM
expires: 2024-03-31        # before as_of 2024-06-01: expired
""",
)


@rule.checker
def check(ctx: Context) -> Iterator[Finding]:
    day = ctx.estate.as_of
    for entry in collect(ctx.estate):
        if entry.expires is None or not entry.expired_on(day):
            continue
        yield rule.finding(
            source_of(entry),
            ("expires",),
            f"{entry.describe()} expired on {entry.expires.isoformat()} (as of {day.isoformat()}); "
            f"it no longer waives anything (reason was: {entry.reason})",
            organisations=entry.organisations,
            hint="fix the finding it covered, or renew the waiver with a new expiry and approval",
            key=entry.key,
        )


def source_of(entry: WaiverEntry) -> Source:
    """Where a waiver stands: its document, or (comment form) the comment itself."""
    if entry.document is not None:
        return entry.document.source
    return Source(entry.file, entry.line, entry.column)
