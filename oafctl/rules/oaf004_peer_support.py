"""OAF004: organisations in a segment that carries the peer-support duty declare an offer."""

from __future__ import annotations

from collections.abc import Iterator

from oafctl.findings import Finding
from oafctl.model.documents import ICB, Provider
from oafctl.rules import Context, Rule

rule = Rule(
    id="OAF004",
    name="peer-support-duty",
    title="Segment-1 organisations declare a peer-support offer",
    severity="error",
    what=(
        "An ICB or provider in a segment that carries the peer-support duty in the policy pack (segment 1 in "
        "every shipped edition) declares `peer_support` with a non-empty `offer`. The pack sets the rule's "
        "severity; a repo can lower it in oaf.yaml with `rules: {OAF004: {severity: warning}}`."
    ),
    why=(
        "Organisations assigned segment 1 are expected to offer peer-to-peer support and share best practice "
        "with other organisations to support collective improvement."
    ),
    passing="""\
kind: Provider
code: RTD
segment: 1
peer_support:
  offer: Theatre productivity programme shared with North Tees and Hartlepool
  partners: [RVW]
""",
    failing="""\
kind: Provider
code: RTD
segment: 1          # segment 1 carries the duty, but no peer_support offer is declared
""",
)


@rule.checker
def check(ctx: Context) -> Iterator[Finding]:
    duty = ctx.pack.peer_support
    if duty is None:
        return
    candidates: list[ICB | Provider] = []
    if "ICB" in duty.kinds and ctx.pack.icb.segmented:
        candidates.extend(ctx.estate.icbs.values())
    if "Provider" in duty.kinds:
        candidates.extend(ctx.estate.providers.values())
    for org in sorted(candidates, key=lambda o: o.code):
        if org.segment is None or org.segment not in duty.segments:
            continue
        offer = org.peer_support.offer if org.peer_support else ""
        if offer.strip():
            continue
        path = ("peer_support", "offer") if org.peer_support else ("segment",)
        yield rule.finding(
            org, path,
            f"{org.KIND} {ctx.who(org.code)} is in segment {org.segment}, which carries the peer-support duty "
            f"under {ctx.pack.id}, but declares no peer-support offer",
            organisations=(org.code,),
            hint="add `peer_support: {offer: ..., partners: [...]}` describing the support offered",
            key=(org.code,),
            severity=duty.severity,
        )
