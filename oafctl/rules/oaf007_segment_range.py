"""OAF007: segments within the pack's range, and only on kinds the pack segments."""

from __future__ import annotations

from collections.abc import Iterator

from oafctl.findings import Finding
from oafctl.model.documents import ICB, Provider
from oafctl.rules import Context, Rule

rule = Rule(
    id="OAF007",
    name="segment-range",
    title="Segments are within the edition's range, and only on kinds it segments",
    severity="error",
    what=(
        "A segment outside the policy pack's range for the organisation's kind (1-4 under SOF 2022/23, "
        "1-5 for providers under the NHS Oversight Framework 2025/26), or a segment on a kind the pack does "
        "not segment (ICBs under nof-2025-26). Capability ratings are checked the same way where the pack "
        "rates capability."
    ),
    why=(
        "The lead table, the peer-support duty and the MOU's reporting and intervention text are all keyed "
        "by segment: a segment the edition does not have leaves the organisation's oversight undefined."
    ),
    passing="""\
# sof-2022-23
kind: Provider
code: RTD
segment: 4
""",
    failing="""\
# sof-2022-23 has segments 1-4; segment 5 is the 2025/26 framework's
kind: Provider
code: RTD
segment: 5
""",
)


def _span(values: list[int]) -> str:
    ordered = sorted(values)
    if ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{ordered[0]}-{ordered[-1]}"
    return ", ".join(map(str, ordered))


@rule.checker
def check(ctx: Context) -> Iterator[Finding]:
    pack = ctx.pack
    orgs: list[ICB | Provider] = sorted([*ctx.estate.icbs.values(), *ctx.estate.providers.values()],
                                        key=lambda o: o.code)
    for org in orgs:
        seg = pack.icb if isinstance(org, ICB) else pack.provider
        plural = "ICBs" if isinstance(org, ICB) else "providers"
        if org.segment is not None:
            if not seg.segmented:
                yield rule.finding(
                    org, ("segment",),
                    f"{org.KIND} {ctx.who(org.code)} has segment {org.segment}, but {plural} are not segmented "
                    f"under {pack.id}" + (f" ({seg.note})" if seg.note else ""),
                    organisations=(org.code,),
                    hint="remove `segment`",
                    key=(org.code, "segment", "unsegmented"),
                )
            elif org.segment not in seg.segments:
                yield rule.finding(
                    org, ("segment",),
                    f"{org.KIND} {ctx.who(org.code)} has segment {org.segment}, outside the segments "
                    f"{_span(seg.segments)} that {pack.id} gives {plural}",
                    organisations=(org.code,),
                    hint=f"use a segment in {_span(seg.segments)}",
                    key=(org.code, "segment", "range"),
                )
        scale = pack.capability.get(org.KIND)  # type: ignore[call-overload]
        if scale and org.capability is not None and org.capability not in scale:
            yield rule.finding(
                org, ("capability",),
                f"{org.KIND} {ctx.who(org.code)} has capability {org.capability}, outside the ratings "
                f"{_span(scale)} of {pack.id}",
                organisations=(org.code,),
                hint=f"use a rating in {_span(scale)}",
                key=(org.code, "capability", "range"),
            )
