"""`oafctl explain`: a rule's purpose, the framework text it rests on, and examples."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime

import click

from oafctl.commands import UsageFailure


def _wrap(text: str, indent: str = "  ") -> str:
    return textwrap.fill(" ".join(text.split()), width=100, initial_indent=indent, subsequent_indent=indent)


@click.command()
@click.argument("rule_id", required=False)
@click.option("--list", "list_rules", is_flag=True, help="List every rule with its severity and source.")
@click.option("--framework", metavar="ID", help="Show the source text of this pack only (default: every pack).")
def explain(rule_id: str | None, list_rules: bool, framework: str | None) -> None:
    """Explain RULE_ID (e.g. OAF003): what it checks, why, the framework text it rests on, and a passing
    and a failing example."""
    from oafctl.model.build import did_you_mean
    from oafctl.packs import PackError, all_packs, pack_in_force
    from oafctl.rules import builtin_rules

    try:
        packs = all_packs()
    except PackError as exc:
        raise UsageFailure(str(exc)) from exc
    if framework is not None and framework not in packs:
        raise UsageFailure(f"unknown framework {framework!r}{did_you_mean(framework, sorted(packs))}")
    rules = {r.id: r for r in builtin_rules()}
    if list_rules:
        pack = packs[framework] if framework else pack_in_force(datetime.now(UTC).date())
        shown = f"{pack.id}" if pack else "no pack"
        click.echo(f"Rules under {shown}:")
        for rule in rules.values():
            severity = rule.severity
            if pack is not None:
                severity = pack.severities.get(rule.id, severity)
                if pack.peer_support and rule.id == "OAF004":
                    severity = pack.peer_support.severity
            source = pack.sources.get(rule.id) if pack else None
            cite = source.cite if source else "-"
            click.echo(f"  {rule.id}  {severity:<8} {rule.origin:<9} {rule.title}")
            click.echo(f"          source: {cite}")
        return
    if rule_id is None:
        raise UsageFailure("name a rule, e.g. `oafctl explain OAF003`, or use --list")
    found = rules.get(rule_id.upper())
    if found is None:
        raise UsageFailure(f"unknown rule {rule_id!r}{did_you_mean(rule_id.upper(), sorted(rules))}")
    rule = found
    out = [f"{rule.id} {rule.name}: {rule.title}", f"  default severity: {rule.severity}", ""]
    out += ["What it checks", _wrap(rule.what), "", "Why", _wrap(rule.why), ""]
    chosen = [packs[framework]] if framework else list(packs.values())
    cited = [(p, p.sources[rule.id]) for p in chosen if rule.id in p.sources]
    if cited:
        out.append("Framework text")
        for pack, source in cited:
            out.append(f"  [{pack.id}] {pack.title}")
            if source.quote:
                out.append(_wrap(f"“{source.quote}”", "    "))
            if source.summary:
                out.append(_wrap(f"In summary: {source.summary}", "    "))
            out.append(_wrap(f"— {source.cite}", "    "))
        out.append("")
    if rule.passing:
        out += ["Passing example", textwrap.indent(rule.passing.rstrip(), "    "), ""]
    if rule.failing:
        out += ["Failing example", textwrap.indent(rule.failing.rstrip(), "    "), ""]
    click.echo("\n".join(out).rstrip())
