"""The pipeline, end to end: load → model → estate → rules → severities → sorted findings.

The engine runs every registered rule and knows none by name.
"""

from __future__ import annotations

import dataclasses
import gc
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from oafctl.estate import Estate, build_estate
from oafctl.findings import Finding, sort_findings
from oafctl.load import LoadedFile, LoadIssue, parse_documents
from oafctl.load.discover import (
    MAX_FILE_BYTES,
    DiscoveryError,
    decode,
    discover,
    link_problem,
    load_bytes,
    load_tree,
    read_bytes,
)
from oafctl.model import build_all
from oafctl.model.build import did_you_mean
from oafctl.model.documents import Document, EstateSettings
from oafctl.packs import Pack, PackError, all_packs, pack_in_force
from oafctl.rules import Context, Rule, builtin_rules
from oafctl.waivers import apply_waivers

if TYPE_CHECKING:
    from oafctl.load.cache import ParseCache


class UsageError(Exception):
    """Validation cannot start: exit 2 with a one-line message."""


@dataclass
class Run:
    """Everything a reporter needs: findings, the text of each file, and what the run was judged against."""

    findings: list[Finding]
    pack: Pack
    as_of: date
    as_of_from: str
    estate: Estate
    files: list[LoadedFile]
    rules: list[Rule] = field(default_factory=list)
    organisation_count: int | None = None
    """Set when the run was rebuilt from the verdict cache, which keeps no estate."""

    @property
    def organisations(self) -> int:
        """How many organisations the estate declares (reports print it)."""
        return self.organisation_count if self.organisation_count is not None else len(self.estate.declared)

    @property
    def sources(self) -> dict[str, str]:
        return {f.display: f.text for f in self.files}


RuleProvider = Callable[[list[Document], list[LoadIssue]], Iterable[Rule]]
_extra_rule_providers: list[RuleProvider] = []
FindingFilter = Callable[["Run"], list[Finding]]
_finding_filters: list[FindingFilter] = []


def add_rule_provider(provider: RuleProvider) -> None:
    """Register a source of extra rules (local policies) built from the loaded documents."""
    _extra_rule_providers.append(provider)


def add_finding_filter(post: FindingFilter) -> None:
    """Register a step that rewrites the findings after severities (waivers, baselines)."""
    _finding_filters.append(post)


def _root_excludes(root: Path) -> list[str]:
    """`exclude` globs from the root oaf.yaml, read first so that excluded files are never parsed."""
    if not root.is_dir():
        return []
    for name in ("oaf.yaml", "oaf.yml"):
        path = root / name
        try:
            if not path.is_file() or path.stat().st_size > MAX_FILE_BYTES:
                continue
            text, _problem = decode(path.read_bytes())
        except OSError:
            continue
        if text is None:
            continue
        globs = excludes_in(text)
        if globs is not None:
            return globs
    return []


def excludes_in(text: str) -> list[str] | None:
    """The `exclude` globs of the Estate document in an oaf.yaml text, or None when it declares none."""
    docs, _error = parse_documents(text)
    for raw in docs:
        data = raw.data
        if isinstance(data, dict) and data.get("kind") == "Estate" and isinstance(data.get("exclude"), list):
            return [g for g in data["exclude"] if isinstance(g, str)]
    return None


def _settings(documents: list[Document], issues: list[LoadIssue]) -> EstateSettings | None:
    settings = [d for d in documents if isinstance(d, EstateSettings)]
    for extra in settings[1:]:
        first = settings[0].source
        issues.append(LoadIssue(extra.source.file, extra.source.line, extra.source.column,
                                f"a second `kind: Estate` document (the first is at {first.file}:{first.line})",
                                hint="keep one Estate document, conventionally oaf.yaml at the root",
                                key="estate-twice"))
    return settings[0] if settings else None


def choose_pack(
    framework: str | None, settings: EstateSettings | None, as_of: date, issues: list[LoadIssue]
) -> Pack:
    try:
        packs = all_packs()
    except PackError as exc:
        raise UsageError(str(exc)) from exc
    if framework is not None:
        if framework not in packs:
            raise UsageError(f"unknown framework {framework!r}{did_you_mean(framework, sorted(packs))} "
                             f"(known: {', '.join(sorted(packs))})")
        return packs[framework]
    if settings is not None and settings.framework is not None:
        if settings.framework in packs:
            return packs[settings.framework]
        line, column = settings.source.at("framework")
        issues.append(LoadIssue(settings.source.file, line, column,
                                f"unknown framework {settings.framework!r}"
                                f"{did_you_mean(settings.framework, sorted(packs))}; "
                                "using the framework in force on as_of",
                                hint=f"known frameworks: {', '.join(sorted(packs))}", key="framework"))
    pack = pack_in_force(as_of)
    if pack is None:
        raise UsageError(f"no framework is in force on {as_of.isoformat()}; choose one with --framework "
                         f"(known: {', '.join(sorted(packs))})")
    return pack


def _apply_settings(
    findings: list[Finding], settings: EstateSettings | None, rules: list[Rule], issues: list[LoadIssue]
) -> list[Finding]:
    """Per-repo severity overrides from `rules:` in oaf.yaml; `off` drops the rule's findings."""
    if settings is None or not settings.rules:
        return findings
    known = sorted(r.id for r in rules)
    overrides: dict[str, str] = {}
    for rule_id, setting in settings.rules.items():
        if rule_id not in known:
            line, column = settings.source.key_at("rules", rule_id)
            issues.append(LoadIssue(settings.source.file, line, column,
                                    f"`rules` names unknown rule {rule_id!r}{did_you_mean(rule_id, known)}",
                                    hint="see `oafctl explain --list`", key=f"rules|{rule_id}"))
            continue
        overrides[rule_id] = setting if isinstance(setting, str) else setting.severity
    out: list[Finding] = []
    for finding in findings:
        severity = overrides.get(finding.rule)
        if severity == "off":
            continue
        if severity is not None and severity != finding.severity:
            finding = dataclasses.replace(finding, severity=severity)  # type: ignore[arg-type]
        out.append(finding)
    return out


def validate(
    path: Path,
    *,
    framework: str | None = None,
    as_of: date | None = None,
    today: date | None = None,
    cwd: Path | None = None,
    cache: bool = False,
) -> Run:
    """Validate the governance repo at `path`. Raises UsageError only when nothing can be checked.
    `cache` reuses and updates the parse cache in the repo's `.oafctl-cache/` (see oafctl/load/cache.py)."""
    parse_cache = None
    if cache:
        from oafctl.load.cache import ParseCache

        parse_cache = ParseCache.open(path)
    # A run allocates many long-lived objects and frees almost none: the cyclic collector's passes over
    # them cost a fifth of a large run and find nothing, so it is paused for the run.
    collecting = gc.isenabled()
    gc.disable()
    try:
        if parse_cache is not None and path.is_dir():
            return _validate_cached(path, parse_cache, framework=framework, as_of=as_of, today=today, cwd=cwd)
        try:
            files = load_tree(path, _root_excludes(path), cwd=cwd, cache=parse_cache)
        except DiscoveryError as exc:
            raise UsageError(str(exc)) from exc
        return validate_files(files, framework=framework, as_of=as_of, today=today)
    finally:
        if collecting:
            if getattr(sys.modules.get("oafctl.cli"), "PROCESS_EXITS_AFTER_COMMAND", False):
                # In the command-line process the run's objects live until exit: later collections need
                # not walk them again (the first one took a twentieth of a large run). Not for library
                # use, where frozen garbage with cycles would never be collected.
                gc.freeze()
            gc.enable()


def _validate_cached(
    path: Path, parse_cache: ParseCache, *, framework: str | None, as_of: date | None, today: date | None,
    cwd: Path | None,
) -> Run:
    """`validate` with both caches: the whole verdict when no file changed, else parsed files by content."""
    from oafctl import verdict_cache

    try:
        found = discover(path, _root_excludes(path), cwd)
    except DiscoveryError as exc:
        raise UsageError(str(exc)) from exc
    contents = [(display, problem if problem is not None else read_bytes(file, display))
                for file, display, problem in found]
    day = today or datetime.now(UTC).date()
    key = verdict_cache.run_key(
        [(display, c if isinstance(c, bytes | str) else c.message) for display, c in contents],
        framework, as_of, day)
    verdict = verdict_cache.load(path, key)
    if verdict is not None and verdict.pack_id in all_packs():
        files = []
        for (file, display, _problem), (_display, content) in zip(found, contents, strict=True):
            text = decode(content)[0] if isinstance(content, bytes) else None
            files.append(LoadedFile(file, display, text or ""))
        return Run(verdict.findings, all_packs()[verdict.pack_id], verdict.as_of, verdict.as_of_from,
                   build_estate([], verdict.as_of), files, [*builtin_rules(), *verdict.local_rules],
                   organisation_count=verdict.organisations)
    files = [
        link_problem(file, display, content) if isinstance(content, str) else load_bytes(file, display, content,
                                                                                         parse_cache)
        for (file, display, _problem), (_display, content) in zip(found, contents, strict=True)
    ]
    parse_cache.save()
    run = validate_files(files, framework=framework, as_of=as_of, today=day)
    builtin = {r.id for r in builtin_rules()}
    verdict_cache.save(path, key, verdict_cache.Verdict(
        run.findings, run.pack.id, run.as_of, run.as_of_from, run.organisations,
        [r for r in run.rules if r.id not in builtin]))
    return run


def validate_files(
    files: list[LoadedFile], *, framework: str | None = None, as_of: date | None = None, today: date | None = None
) -> Run:
    """Validate files already loaded (from disk by `validate`, or from a Git revision by `oafctl diff`)."""
    documents, issues, unmodelled = build_all(files)
    settings = _settings(documents, issues)
    if as_of is not None:
        day, day_from = as_of, "--as-of"
    elif settings is not None and settings.as_of is not None:
        day, day_from = settings.as_of, settings.source.file
    else:
        day, day_from = today or datetime.now(UTC).date(), "today (UTC)"
    pack = choose_pack(framework, settings, day, issues)
    estate = build_estate(documents, day, files)
    rules = list(builtin_rules())
    for provider in _extra_rule_providers:
        rules.extend(provider(documents, issues))
    # Settings problems are found before the rules run, so that OAF000 reports them too.
    probe: list[Finding] = []
    _apply_settings(probe, settings, rules, issues)
    ctx = Context(estate=estate, pack=pack, issues=issues, unmodelled=unmodelled)
    findings: list[Finding] = []
    for rule in rules:
        if not rule.needs_findings:
            findings.extend(rule.check(ctx))
    ctx.findings = _apply_settings(findings, settings, rules, [])
    for rule in rules:
        if rule.needs_findings:
            findings.extend(rule.check(ctx))
    findings = _apply_settings(findings, settings, rules, [])
    run = Run(sort_findings(findings), pack, day, day_from, estate, files, rules)
    run.findings = apply_waivers(run)
    for post in _finding_filters:
        run.findings = sort_findings(post(run))
    return run


# Local policies (`kind: Policy`) are rules built from the repo's own documents.
from oafctl.policy.local import local_rules  # noqa: E402

add_rule_provider(local_rules)
