"""`oafctl report`: the estate as a document — per region, per ICB, each provider with its segment, lead,
support and MOU; totals per segment; a Mermaid diagram of who oversees whom per region.

Committed next to the YAML, its diff makes every pull request readable on its own, so the output is
byte-stable: everything sorted by code, no timestamps, the as-of date from the estate (or --as-of).
"""

from __future__ import annotations

import html
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

from oafctl import __version__
from oafctl.report.markdown import cell, code, plural

if TYPE_CHECKING:
    from oafctl.engine import Run
    from oafctl.estate import Estate

NO_ICB = "—"


@dataclass
class ProviderRow:
    code: str
    name: str
    type: str
    segment: int
    lead: str | None
    support: list[str]
    mou: str | None


@dataclass
class ICBBlock:
    code: str
    name: str
    segment: int | None
    mou: dict[str, str] | None
    providers: list[ProviderRow] = field(default_factory=list)


@dataclass
class RegionBlock:
    code: str
    name: str
    icbs: list[ICBBlock] = field(default_factory=list)


@dataclass
class EstateReport:
    title: str
    framework: str
    framework_title: str
    as_of: str
    regions: list[RegionBlock]
    unplaced: list[ProviderRow]
    """Providers whose host ICB is not in the estate on the date (OAF006 reports them)."""
    provider_segments: dict[int, int]
    icb_segments: dict[int, int]
    segment_titles: dict[int, str]
    names: dict[str, str]


def _leads(estate: Estate) -> dict[str, tuple[str, list[str], str]]:
    """Provider → (lead, support, MOU id), from the MOUs in force (the first, in MOU id order)."""
    out: dict[str, tuple[str, list[str], str]] = {}
    for mou in sorted(estate.mous_in_force, key=lambda m: m.id):
        for arrangement in mou.arrangements:
            out.setdefault(arrangement.provider, (arrangement.lead, sorted(arrangement.support), mou.id))
    return out


def build(run: Run) -> EstateReport:
    estate = run.estate
    leads = _leads(estate)

    def row(code: str) -> ProviderRow:
        p = estate.providers[code]
        lead, support, mou = leads.get(code, (None, [], None))
        return ProviderRow(p.code, p.name, p.type, p.segment, lead, support, mou)

    region_codes = set(estate.regions) | {icb.region for icb in estate.icbs.values()}
    regions: list[RegionBlock] = []
    for region_code in sorted(region_codes):
        region = estate.regions.get(region_code)
        block = RegionBlock(region_code, region.name if region else f"{region_code} (not declared)")
        for icb in sorted((i for i in estate.icbs.values() if i.region == region_code), key=lambda i: i.code):
            mous = sorted(estate.mous_by_icb.get(icb.code, []), key=lambda m: m.id)
            mou = ({"id": mous[0].id, "status": mous[0].status, "effective": mous[0].effective.isoformat(),
                    "expires": mous[0].expires.isoformat()} if mous else None)
            providers = [row(p.code) for p in sorted(estate.providers_by_icb.get(icb.code, []), key=lambda p: p.code)
                         if p.code in estate.providers]
            block.icbs.append(ICBBlock(icb.code, icb.name, icb.segment, mou, providers))
        regions.append(block)
    unplaced = [row(code) for code in sorted(estate.providers) if estate.providers[code].icb not in estate.icbs]
    settings = estate.settings[0] if estate.settings else None
    return EstateReport(
        title=(settings.name if settings and settings.name else "Oversight estate"),
        framework=run.pack.id,
        framework_title=run.pack.title,
        as_of=run.as_of.isoformat(),
        regions=regions,
        unplaced=unplaced,
        provider_segments=dict(sorted(Counter(p.segment for p in estate.providers.values()).items())),
        icb_segments=dict(sorted(Counter(i.segment for i in estate.icbs.values() if i.segment is not None).items())),
        segment_titles={m.segment: m.title for m in run.pack.segment_meanings},
        names={code: org.name for code, org in sorted(estate.declared.items())},
    )


# ------------------------------------------------------------------------------------------------ JSON


def _provider_json(p: ProviderRow) -> dict[str, Any]:
    return {"code": p.code, "name": p.name, "type": p.type, "segment": p.segment, "lead": p.lead,
            "support": p.support, "mou": p.mou}


def document(report: EstateReport) -> dict[str, Any]:
    segments = sorted(set(report.provider_segments) | set(report.icb_segments))
    return {
        "oafctl": __version__,
        "title": report.title,
        "framework": report.framework,
        "as_of": report.as_of,
        "totals": {
            "regions": len(report.regions),
            "icbs": sum(len(r.icbs) for r in report.regions),
            "providers": sum(report.provider_segments.values()),
            "per_segment": [{"segment": s, "title": report.segment_titles.get(s, ""),
                             "providers": report.provider_segments.get(s, 0), "icbs": report.icb_segments.get(s, 0)}
                            for s in segments],
        },
        "regions": [{
            "code": r.code, "name": r.name,
            "icbs": [{"code": i.code, "name": i.name, "segment": i.segment, "mou": i.mou,
                      "providers": [_provider_json(p) for p in i.providers]} for i in r.icbs],
        } for r in report.regions],
        "unplaced_providers": [_provider_json(p) for p in report.unplaced],
    }


def render_json(run: Run, stream: TextIO) -> None:
    stream.write(json.dumps(document(build(run)), indent=2, ensure_ascii=False) + "\n")


# -------------------------------------------------------------------------------------------- Markdown


def _mermaid_label(text: str) -> str:
    return text.replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def mermaid(report: EstateReport, region: RegionBlock) -> list[str]:
    """A flowchart of who oversees whom in one region: region → ICB (primary relationship), lead → provider
    (solid, "leads"), support → provider (dotted, "supports")."""
    nodes: dict[str, str] = {}
    edges: list[str] = []

    def node(code: str, extra: str = "") -> str:
        ident = f"n_{code}"
        if ident not in nodes:
            name = report.names.get(code, code)
            nodes[ident] = f'    {ident}["{_mermaid_label(code)} {_mermaid_label(name)}{extra}"]'
        return ident

    reg = node(region.code)
    for icb in region.icbs:
        icb_node = node(icb.code, f"<br/>segment {icb.segment}" if icb.segment is not None else "")
        edges.append(f"    {reg} --> {icb_node}")
        for p in icb.providers:
            pid = node(p.code, f"<br/>segment {p.segment}")
            if p.lead is None:
                edges.append(f"    {icb_node} -. hosts, no arrangement .- {pid}")
                continue
            edges.append(f"    {node(p.lead)} -->|leads| {pid}")
            edges.extend(f"    {node(s)} -.->|supports| {pid}" for s in p.support)
    return ["```mermaid", "flowchart TD", *sorted(nodes.values()), *edges, "```"]


def _segment_cell(segment: int | None, titles: dict[int, str]) -> str:
    if segment is None:
        return NO_ICB
    return f"{segment} ({titles[segment]})" if segment in titles else str(segment)


def _provider_table(rows: list[ProviderRow]) -> list[str]:
    out = ["| Provider | Name | Type | Segment | Lead | Support | MOU |", "|---|---|---|---|---|---|---|"]
    for p in rows:
        out.append(f"| {p.code} | {cell(p.name)} | {p.type} | {p.segment} | {p.lead or NO_ICB} | "
                   f"{', '.join(p.support) or NO_ICB} | {code(p.mou) if p.mou else 'none in force'} |")
    return out


def render_markdown(run: Run, stream: TextIO) -> None:
    report = build(run)
    icbs = sum(len(r.icbs) for r in report.regions)
    providers = sum(report.provider_segments.values())
    out = [f"# {cell(report.title)}", "",
           f"Framework {code(report.framework)} ({cell(report.framework_title)}) · as of {report.as_of} · "
           f"{plural(len(report.regions), 'region')}, {plural(icbs, 'ICB')}, {plural(providers, 'provider')} · "
           f"generated by `oafctl report`", "",
           "## Totals per segment", "", "| Segment | Meaning | Providers | ICBs |", "|---|---|---|---|"]
    for segment in sorted(set(report.provider_segments) | set(report.icb_segments)):
        out.append(f"| {segment} | {cell(report.segment_titles.get(segment, ''))} | "
                   f"{report.provider_segments.get(segment, 0)} | {report.icb_segments.get(segment, 0)} |")
    out.append(f"| all | | {providers} | {sum(report.icb_segments.values())} |")
    for region in report.regions:
        out += ["", f"## {region.code} {cell(region.name)}", "", *mermaid(report, region)]
        for icb in region.icbs:
            out += ["", f"### {icb.code} {cell(icb.name)}", ""]
            mou = (f"MOU {code(icb.mou['id'])} ({icb.mou['status']}, {icb.mou['effective']} to {icb.mou['expires']})"
                   if icb.mou else "no MOU in force")
            out += [f"Segment {_segment_cell(icb.segment, {})} · {mou} · {plural(len(icb.providers), 'provider')}", ""]
            out += _provider_table(icb.providers) if icb.providers else ["No providers hosted."]
    if report.unplaced:
        out += ["", "## Providers without a known host ICB", "", *_provider_table(report.unplaced)]
    stream.write("\n".join(out) + "\n")


# ------------------------------------------------------------------------------------------------ HTML

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Arial,sans-serif;margin:2rem auto;max-width:72rem;
padding:0 1rem;color:#212b32;line-height:1.45}
h1{color:#005eb8}h2{border-bottom:3px solid #005eb8;padding-bottom:.2rem;margin-top:2.5rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}th,td{border:1px solid #d8dde0;padding:.35rem .5rem;
text-align:left;vertical-align:top}th{background:#f0f4f5}.meta{color:#4c6272}
.tree,.tree ul{list-style:none;padding-left:1.2rem;margin:0}.tree li{position:relative;padding:.15rem 0}
.tree li::before{content:"";position:absolute;left:-.9rem;top:.85rem;width:.7rem;border-top:1px solid #768692}
.tree>li::before{display:none}.tree ul{border-left:1px solid #768692;margin-left:.2rem}
.seg{display:inline-block;min-width:1.4rem;
text-align:center;border-radius:.7rem;background:#e8edee;font-size:.85em;margin-left:.3rem}
.s1{background:#d5f0dd}.s2{background:#fff3c4}.s3{background:#ffd9b3}.s4,.s5{background:#f6c6c6}
.support{color:#4c6272;font-size:.9em}code{font-size:.95em}
@media print{body{margin:0}h2{break-after:avoid}}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _seg(segment: int | None) -> str:
    if segment is None:
        return ""
    return f'<span class="seg s{segment}" title="segment {segment}">{segment}</span>'


def render_html(run: Run, stream: TextIO) -> None:
    report = build(run)
    icbs = sum(len(r.icbs) for r in report.regions)
    providers = sum(report.provider_segments.values())
    out = ["<!DOCTYPE html>", '<html lang="en-GB">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{_e(report.title)}</title>", f"<style>{_CSS.strip()}</style>", "</head>", "<body>",
           f"<h1>{_e(report.title)}</h1>",
           f'<p class="meta">Framework <code>{_e(report.framework)}</code> ({_e(report.framework_title)}) · as of '
           f"{_e(report.as_of)} · {_e(plural(len(report.regions), 'region'))}, {_e(plural(icbs, 'ICB'))}, "
           f"{_e(plural(providers, 'provider'))} · generated by <code>oafctl report</code></p>",
           "<h2>Totals per segment</h2>",
           "<table><thead><tr><th>Segment</th><th>Meaning</th><th>Providers</th><th>ICBs</th></tr></thead><tbody>"]
    for segment in sorted(set(report.provider_segments) | set(report.icb_segments)):
        out.append(f"<tr><td>{_seg(segment)}</td><td>{_e(report.segment_titles.get(segment, ''))}</td>"
                   f"<td>{report.provider_segments.get(segment, 0)}</td><td>{report.icb_segments.get(segment, 0)}</td>"
                   "</tr>")
    out.append(f"<tr><th>all</th><td></td><th>{providers}</th><th>{sum(report.icb_segments.values())}</th></tr>")
    out.append("</tbody></table>")
    for region in report.regions:
        out.append(f'<h2 id="{_e(region.code)}">{_e(region.code)} {_e(region.name)}</h2>')
        out.append('<ul class="tree" aria-label="Who oversees whom">')
        out.append(f"<li><strong>{_e(region.code)}</strong> {_e(region.name)}<ul>")
        for icb in region.icbs:
            out.append(f"<li><strong>{_e(icb.code)}</strong> {_e(icb.name)}{_seg(icb.segment)}<ul>")
            for p in icb.providers:
                lead = f"led by <strong>{_e(p.lead)}</strong>" if p.lead else "no arrangement in force"
                support = f' <span class="support">supported by {_e(", ".join(p.support))}</span>' if p.support else ""
                out.append(f"<li><strong>{_e(p.code)}</strong> {_e(p.name)}{_seg(p.segment)} — {lead}{support}</li>")
            out.append("</ul></li>")
        out.append("</ul></li></ul>")
        for icb in region.icbs:
            mou = (f"MOU <code>{_e(icb.mou['id'])}</code> ({_e(icb.mou['status'])}, {_e(icb.mou['effective'])} to "
                   f"{_e(icb.mou['expires'])})" if icb.mou else "no MOU in force")
            out.append(f"<h3>{_e(icb.code)} {_e(icb.name)}</h3>")
            out.append(f'<p class="meta">Segment {_e(icb.segment if icb.segment is not None else NO_ICB)} · {mou}</p>')
            out.append(_html_table(icb.providers))
    if report.unplaced:
        out += ["<h2>Providers without a known host ICB</h2>", _html_table(report.unplaced)]
    out += ["</body>", "</html>"]
    stream.write("\n".join(out) + "\n")


def _html_table(rows: list[ProviderRow]) -> str:
    if not rows:
        return "<p>No providers hosted.</p>"
    body = "".join(
        f"<tr><td>{_e(p.code)}</td><td>{_e(p.name)}</td><td>{_e(p.type)}</td><td>{_seg(p.segment)}</td>"
        f"<td>{_e(p.lead or NO_ICB)}</td><td>{_e(', '.join(p.support) or NO_ICB)}</td>"
        f"<td>{f'<code>{_e(p.mou)}</code>' if p.mou else 'none in force'}</td></tr>"
        for p in rows)
    return ("<table><thead><tr><th>Provider</th><th>Name</th><th>Type</th><th>Segment</th><th>Lead</th>"
            f"<th>Support</th><th>MOU</th></tr></thead><tbody>{body}</tbody></table>")


RENDERERS = {"markdown": render_markdown, "json": render_json, "html": render_html}
