"""`oafctl explain`: a rule's purpose, the framework text it rests on, and examples; `--list` shows every
rule in force, built-in and local, with its pack, severity and source."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from oafctl.commands import UsageFailure

if TYPE_CHECKING:
    from oafctl.model.documents import EstateSettings
    from oafctl.packs import Obligation, Pack
    from oafctl.policy.documents import Policy
    from oafctl.rules import Rule


def _wrap(text: str, indent: str = "  ") -> str:
    # Never break at a hyphen: "peer-support", "nof-2025-26" and "2025-04-01" must stay whole.
    return textwrap.fill(" ".join(text.split()), width=100, initial_indent=indent, subsequent_indent=indent,
                         break_on_hyphens=False)


@dataclass
class _Repo:
    """What a governance repo adds to the built-in rules: its settings and its local policies."""

    settings: EstateSettings | None = None
    policies: dict[str, Policy] = field(default_factory=dict)
    rules: list[Rule] = field(default_factory=list)
    broken: int = 0


def _read_repo(path: Path, explicit: bool) -> _Repo:
    """The repo's oaf.yaml and local policies; an empty default folder adds nothing."""
    from oafctl.engine import _root_excludes
    from oafctl.load import LoadIssue
    from oafctl.load.discover import DiscoveryError, load_tree
    from oafctl.model import build_all
    from oafctl.model.documents import EstateSettings
    from oafctl.policy.documents import Policy
    from oafctl.policy.local import local_rules

    try:
        files = load_tree(path, _root_excludes(path))
    except DiscoveryError as exc:
        if explicit:
            raise UsageFailure(str(exc)) from exc
        return _Repo()
    documents, _issues, _unmodelled = build_all(files)
    repo = _Repo()
    repo.settings = next((d for d in documents if isinstance(d, EstateSettings)), None)
    policies = [d for d in documents if isinstance(d, Policy)]
    problems: list[LoadIssue] = []
    repo.rules = local_rules(documents, problems)
    repo.policies = {p.id: p for p in policies}
    repo.broken = len(policies) - len(repo.rules)
    return repo


def _severity(rule: Rule, pack: Pack | None, repo: _Repo) -> str:
    """The severity a run would give: the rule's, the pack's, then the repo's `rules:` override."""
    severity: str = rule.severity
    if pack is not None:
        severity = pack.severities.get(rule.id, severity)
        if pack.peer_support and rule.id == "OAF004":
            severity = pack.peer_support.severity
    if repo.settings is not None and rule.id in repo.settings.rules:
        setting = repo.settings.rules[rule.id]
        severity = setting if isinstance(setting, str) else setting.severity
    return severity


def _list(rules: list[Rule], pack: Pack | None, repo: _Repo) -> None:
    shown = pack.id if pack else "no pack (none in force today; choose one with --framework)"
    click.echo(f"Rules under {shown}: {len(rules)} ({sum(r.origin == 'built-in' for r in rules)} built-in, "
               f"{sum(r.origin != 'built-in' for r in rules)} local)")
    click.echo(f"  {'RULE':<10} {'PACK':<12} {'SEVERITY':<8}  TITLE")
    for rule in rules:
        local = rule.origin != "built-in"
        where = "local" if local else (pack.id if pack else "-")
        click.echo(f"  {rule.id:<10} {where:<12} {_severity(rule, pack, repo):<8}  {rule.title}")
        if local:
            policy = repo.policies.get(rule.id)
            cite = policy.cite if policy is not None and policy.cite else "-"
            click.echo(f"  {'':<10} source: {cite}; defined in {rule.origin.removeprefix('local (').rstrip(')')}")
            continue
        source = pack.sources.get(rule.id) if pack else None
        cite = source.cite if source else "-"
        obligations = pack.obligations_for(rule.id) if pack else []
        if rule.id in ("OAF009", "OAF010") and pack is not None and not obligations:
            cite = f"no {rule.id} obligations in {pack.id}: the rule reports nothing"
        elif obligations:
            cite = f"{len(obligations)} obligation{'s' if len(obligations) != 1 else ''}: " + "; ".join(
                o.title for o in obligations)
        click.echo(f"  {'':<10} source: {cite}")
    if repo.broken:
        click.echo(f"{repo.broken} local polic{'ies' if repo.broken != 1 else 'y'} could not be compiled and "
                   "are not listed; `oafctl validate` says why")


def _obligation_lines(obligation: Obligation) -> list[str]:
    scope: str = obligation.kind
    if obligation.segments is not None:
        scope += f" in segment {', '.join(map(str, obligation.segments))}"
    if obligation.rule == "OAF009" and obligation.when is not None:
        duty = f"{obligation.kind} with {obligation.when.describe()} must be in segment " + ", ".join(
            map(str, obligation.segments or []))
    else:
        if obligation.capability is not None:
            scope += f" with capability {', '.join(map(str, obligation.capability))}"
        duty = f"{scope} must have {obligation.require.describe() if obligation.require else '?'}"
    out = [f"    {obligation.id}: {obligation.title} ({obligation.severity})", _wrap(duty, "      ")]
    if obligation.source.quote:
        out.append(_wrap(f"“{obligation.source.quote}”", "      "))
    if obligation.source.summary:
        out.append(_wrap(f"In summary: {obligation.source.summary}", "      "))
    out.append(_wrap(f"— {obligation.source.cite}", "      "))
    return out


def _explain_local(rule: Rule, policy: Policy | None) -> None:
    out = [f"{rule.id}: {rule.title}", f"  severity: {rule.severity}",
           f"  local policy, {rule.origin.removeprefix('local (').rstrip(')')}", ""]
    out += ["What it checks", _wrap(rule.what), "", "Why", _wrap(rule.why), ""]
    if policy is not None and policy.cite:
        out += ["Source", _wrap(policy.cite), ""]
    click.echo("\n".join(out).rstrip())


def _span(values: list[int] | None) -> str:
    return ", ".join(map(str, values)) if values else "-"


def _explain_pack(pack: Pack) -> None:
    """A pack as a governance lead reads it: status, segments, the lead table, duties and the reading."""
    words = {"host-icb": "host ICB", "region": "regional team", "national": "NHS England national"}
    when = "never in force: chosen only by name" if pack.in_force is None else (
        f"in force from {pack.in_force.start.isoformat()}"
        + (f" to {pack.in_force.end.isoformat()}" if pack.in_force.end else ""))
    out = [f"{pack.id}: {pack.title}", f"  status: {pack.status}; {when}", "", _wrap(pack.summary), ""]
    out.append(f"Segments: ICBs {_span(pack.icb.segments) if pack.icb.segmented else 'not segmented'}; "
               f"providers {_span(pack.provider.segments)}")
    for kind, scale in sorted(pack.capability.items()):
        out.append(f"Capability ratings ({kind}): {_span(scale)} (1 strongest)")
    out += ["", "Who leads provider oversight"]
    for entry in pack.leads:
        cap = f", host ICB capability {_span(entry.icb_capability)}" if entry.icb_capability else ""
        line = f"  segment {_span(entry.segments)}{cap}: {words[entry.lead]} leads"
        if entry.support:
            line += f", with {' and '.join(words[r] for r in entry.support)} in support"
        if entry.may_support:
            line += f" ({' and '.join(words[r] for r in entry.may_support)} may support)"
        out.append(line + (f"  [{entry.note}]" if entry.note else ""))
    if pack.peer_support:
        duty = pack.peer_support
        out += ["", f"Peer-support duty: {' and '.join(duty.kinds)} in segment {_span(duty.segments)} "
                    f"({duty.severity})"]
    if pack.obligations:
        out += ["", "Obligations"]
        for obligation in pack.obligations:
            out += _obligation_lines(obligation)
    if pack.reading:
        out += ["", "How this pack reads its source", _wrap(pack.reading)]
    click.echo("\n".join(out).rstrip())


@click.command()
@click.argument("rule_id", required=False)
@click.option("--list", "list_rules", is_flag=True,
              help="List every rule in force, built-in and local, with its pack, severity and source.")
@click.option("--framework", metavar="ID",
              help="The pack to explain against (default: every pack; for --list, the repo's oaf.yaml, else the "
                   "pack in force today).")
@click.option("--repo", "repo_path", type=click.Path(path_type=Path),
              help="The governance repo whose local policies and settings to include (default: the current folder, "
                   "if it has an oaf.yaml).")
def explain(rule_id: str | None, list_rules: bool, framework: str | None, repo_path: Path | None) -> None:
    """Explain RULE_ID (e.g. OAF003, or a local policy's id): what it checks, why, the framework text it rests
    on, and a passing and a failing example. With only --framework, explain that pack: its segments, lead
    table, duties, obligations and how it reads its source."""
    from oafctl.model.build import did_you_mean
    from oafctl.packs import PackError, all_packs, pack_in_force
    from oafctl.rules import builtin_rules

    try:
        packs = all_packs()
    except PackError as exc:
        raise UsageFailure(str(exc)) from exc
    if framework is not None and framework not in packs:
        raise UsageFailure(f"unknown framework {framework!r}{did_you_mean(framework, sorted(packs))}")
    if repo_path is not None:
        repo = _read_repo(repo_path, explicit=True)
    elif any(Path(name).is_file() for name in ("oaf.yaml", "oaf.yml")):
        repo = _read_repo(Path("."), explicit=False)  # the current folder is a governance repo's root
    else:
        repo = _Repo()
    rules = {r.id: r for r in builtin_rules()}
    for local in repo.rules:
        rules.setdefault(local.id, local)
    if list_rules:
        pack: Pack | None = packs[framework] if framework else None
        if pack is None and repo.settings is not None and repo.settings.framework in packs:
            pack = packs[repo.settings.framework]
        if pack is None:
            day = repo.settings.as_of if repo.settings and repo.settings.as_of else datetime.now(UTC).date()
            pack = pack_in_force(day)
        _list(sorted(rules.values(), key=lambda r: (r.origin != "built-in", r.id)), pack, repo)
        return
    if rule_id is None:
        if framework is None:
            raise UsageFailure("name a rule, e.g. `oafctl explain OAF003`, a pack with --framework, or use --list")
        _explain_pack(packs[framework])
        return
    found = rules.get(rule_id) or rules.get(rule_id.upper())
    if found is None:
        raise UsageFailure(f"unknown rule {rule_id!r}{did_you_mean(rule_id.upper(), sorted(rules))}")
    rule = found
    if rule.origin != "built-in":
        _explain_local(rule, repo.policies.get(rule.id))
        return
    out = [f"{rule.id} {rule.name}: {rule.title}", f"  default severity: {rule.severity}", ""]
    out += ["What it checks", _wrap(rule.what), "", "Why", _wrap(rule.why), ""]
    chosen = [packs[framework]] if framework else list(packs.values())
    cited = [(p, p.sources[rule.id]) for p in chosen if rule.id in p.sources]
    if cited:
        out.append("Framework text")
        for pack_, source in cited:
            out.append(f"  [{pack_.id}] {pack_.title}")
            if source.quote:
                out.append(_wrap(f"“{source.quote}”", "    "))
            if source.summary:
                out.append(_wrap(f"In summary: {source.summary}", "    "))
            out.append(_wrap(f"— {source.cite}", "    "))
        out.append("")
    with_obligations = [(p, p.obligations_for(rule.id)) for p in chosen if p.obligations_for(rule.id)]
    if with_obligations:
        out.append("Obligations (pack data)")
        for pack_, obligations in with_obligations:
            out.append(f"  [{pack_.id}]")
            for obligation in obligations:
                out += _obligation_lines(obligation)
        out.append("")
    if rule.passing:
        out += ["Passing example", textwrap.indent(rule.passing.rstrip(), "    "), ""]
    if rule.failing:
        out += ["Failing example", textwrap.indent(rule.failing.rstrip(), "    "), ""]
    click.echo("\n".join(out).rstrip())
