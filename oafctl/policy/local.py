"""Compile `kind: Policy` documents into rules the engine runs beside the built-in ones.

Expressions are CEL, evaluated by `common-expression-language` (a Rust core): on the 100x estate of
bench/generate.py (21,000 providers, 4,200 MOUs) a policy took 1.0-2.3 s where `cel-python` took 11.7-28.4 s
(tools/bench_cel.py; figures in the README).

What an expression sees (each variable it reads is bound; a neighbour that does not exist is `null` or empty):
- `self`: the document, by its YAML field names; optional fields that are not set are absent, so test them
  with `has(self.field)`. Dates are 'YYYY-MM-DD' strings (they compare correctly as strings).
- `as_of` ('YYYY-MM-DD') and `framework` (the policy pack id) of the run.
- `icb`: a provider's host ICB, an MOU's ICB; `region`: the regional team of an ICB, of a provider's host
  ICB, of an MOU; `mou`: the MOU in force of an ICB, or the one whose arrangements name a provider;
  `arrangement`: that provider's arrangement in it; `providers`: the providers an ICB hosts, or those an
  MOU's arrangements name, as a map from code to provider.
Only a document's neighbours are bound, never the whole estate, so that each evaluation costs the same on a
large estate as on a small one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from oafctl.estate import Estate
from oafctl.findings import Finding, fingerprint
from oafctl.load import LoadIssue
from oafctl.model.documents import ICB, MOU, Document, Organisation, Provider
from oafctl.policy.documents import Policy
from oafctl.rules import Context, Rule

VARIABLES = ("self", "as_of", "framework", "icb", "region", "mou", "arrangement", "providers")
_EVAL_ERRORS = (KeyError, TypeError, RuntimeError, ValueError, ArithmeticError, IndexError)


class CompileError(Exception):
    """A CEL expression that does not compile, with the library's message."""


@cache
def _cel() -> Any:
    """The library's Rust extension module. `import cel` also imports its command-line interface (typer,
    rich's prompt toolkit: 0.4 s here), so the extension is loaded on its own where it can be found; the
    package import is the fallback."""
    import importlib.machinery
    import importlib.util

    try:
        spec = importlib.util.find_spec("cel")
        locations = list(spec.submodule_search_locations or []) if spec is not None else []
        suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
        found = [p for loc in locations for p in sorted(Path(loc).iterdir())
                 if p.name.startswith("cel.") and p.name.endswith(suffixes)]
        if found:
            loader = importlib.machinery.ExtensionFileLoader("cel.cel", str(found[0]))
            ext_spec = importlib.util.spec_from_file_location("cel.cel", found[0], loader=loader)
            if ext_spec is not None:
                module = importlib.util.module_from_spec(ext_spec)
                loader.exec_module(module)
                if callable(getattr(module, "compile", None)):
                    return module
    except (ImportError, OSError):  # pragma: no cover - an unusual installation: use the package
        pass
    import cel  # pragma: no cover

    return cel  # pragma: no cover


def compile_expression(text: str) -> Any:
    """A compiled CEL program; CompileError with a short message when the expression is not valid CEL."""
    try:
        return _cel().compile(text)
    except (ValueError, RuntimeError, TypeError) as exc:
        message = str(exc).strip()
        message = message.removeprefix(f"Failed to parse expression '{text}': ").strip()
        raise CompileError(" ".join(message.split())) from None


def _dump(doc: Any) -> dict[str, Any]:
    data: dict[str, Any] = doc.model_dump(mode="json", by_alias=True, exclude_none=True)
    return data


class _Neighbours:
    """The documents a policy's expression may see beside `self`, dumped once per run."""

    def __init__(self, estate: Estate, framework: str) -> None:
        self.estate = estate
        self.framework = framework
        self._dumps: dict[int, dict[str, Any]] = {}
        self._mou_of: dict[str, tuple[MOU, int]] = {}
        for mou in estate.mous_in_force:
            for index, arrangement in enumerate(mou.arrangements):
                self._mou_of.setdefault(arrangement.provider, (mou, index))

    def dump(self, doc: Any) -> dict[str, Any] | None:
        if doc is None:
            return None
        key = id(doc)
        if key not in self._dumps:
            self._dumps[key] = _dump(doc)
        return self._dumps[key]

    def variables(self, doc: Document, needed: frozenset[str] = frozenset(VARIABLES)) -> dict[str, Any]:
        """The variables for `doc`, only those in `needed`: the library converts every bound value on
        every evaluation, so an expression that reads only `self` should not pay for the MOU."""
        estate = self.estate
        icb: ICB | None = None
        region_code: str | None = None
        mou: MOU | None = None
        arrangement: Any = None
        hosted: list[Provider] = []
        if isinstance(doc, Provider):
            icb = estate.icbs.get(doc.icb)
            region_code = icb.region if icb else None
            found = self._mou_of.get(doc.code)
            if found is not None:
                mou = found[0]
                arrangement = mou.arrangements[found[1]]
        elif isinstance(doc, ICB):
            region_code = doc.region
            in_force = estate.mous_by_icb.get(doc.code) or []
            mou = in_force[0] if in_force else None
            hosted = estate.providers_by_icb.get(doc.code, [])
        elif isinstance(doc, MOU):
            icb = estate.icbs.get(doc.icb)
            region_code = doc.region
            hosted = [estate.providers[a.provider] for a in doc.arrangements if a.provider in estate.providers]
        out: dict[str, Any] = {}
        for name in needed:
            if name == "self":
                out[name] = self.dump(doc)
            elif name == "as_of":
                out[name] = estate.as_of.isoformat()
            elif name == "framework":
                out[name] = self.framework
            elif name == "icb":
                out[name] = self.dump(icb)
            elif name == "region":
                out[name] = self.dump(estate.regions.get(region_code)) if region_code else None
            elif name == "mou":
                out[name] = self.dump(mou)
            elif name == "arrangement":
                out[name] = self.dump(arrangement)
            elif name == "providers":
                out[name] = {p.code: self.dump(p) for p in hosted}
        return out


def _subjects(estate: Estate, kinds: Iterable[str]) -> list[Document]:
    """The documents a policy applies to, as they stand on as_of: organisations that exist, MOUs in force,
    every accountability line."""
    wanted = set(kinds)
    out: list[Document] = []
    groups: dict[str, Iterable[Document]] = {
        "NationalBody": estate.national.values(), "Region": estate.regions.values(), "ICB": estate.icbs.values(),
        "Provider": estate.providers.values(), "AccountabilityLine": estate.lines, "MOU": estate.mous_in_force,
    }
    for kind in sorted(wanted):
        out.extend(groups[kind])
    return out


def _organisations(doc: Document) -> tuple[str, ...]:
    if isinstance(doc, Organisation):
        return (doc.code,)
    if isinstance(doc, MOU):
        return (doc.icb, doc.region)
    from_ = getattr(doc, "from_", None)
    to = getattr(doc, "to", None)
    return tuple(c for c in (from_, to) if isinstance(c, str))


def _what(doc: Document) -> str:
    if isinstance(doc, Organisation):
        return f"{doc.KIND} {doc.code} ({doc.name})"
    return doc.label


def _referenced(program: Any) -> list[str]:
    """The names an expression reads (comprehension variables included, which is harmless); every variable
    when the library cannot say."""
    try:
        return list(program.variables())
    except AttributeError:  # pragma: no cover - an older library without static analysis
        return list(VARIABLES)


def make_rule(policy: Policy, program: Any, when: Any | None) -> Rule:
    """A Rule whose check evaluates the policy over the estate."""
    where = f"{policy.source.file}:{policy.source.at('assert')[0]}"
    rule = Rule(
        id=policy.id,
        name=policy.id.lower(),
        title=policy.title or policy.message,
        severity=policy.severity,
        what=(f"For every {', '.join(policy.kinds)}" + (f" where `{policy.when}`" if policy.when else "")
              + f", `{policy.assert_}` holds."),
        why=policy.description or policy.message,
        passing="",
        failing="",
        origin=f"local ({where})",
    )

    needed = frozenset(VARIABLES).intersection([*_referenced(program), *(_referenced(when) if when else [])])

    def check(ctx: Context) -> Iterator[Finding]:
        neighbours = _Neighbours(ctx.estate, ctx.pack.id)
        for doc in _subjects(ctx.estate, policy.kinds):
            variables = neighbours.variables(doc, needed)
            stage = "when"
            try:
                if when is not None:
                    applies = when.execute(variables)
                    if not isinstance(applies, bool):
                        raise TypeError(f"`when` gave {type(applies).__name__} {applies!r}, not true or false")
                    if not applies:
                        continue
                stage = "assert"
                result = program.execute(variables)
                if not isinstance(result, bool):
                    raise TypeError(f"`assert` gave {type(result).__name__} {result!r}, not true or false")
            except _EVAL_ERRORS as exc:
                yield _runtime_error(policy, doc, exc, stage)
                return
            if result:
                continue
            yield rule.finding(
                doc, (),
                f"{_what(doc)}: {policy.message}",
                organisations=_organisations(doc),
                hint=policy.hint or f"see `oafctl explain {policy.id}` ({where})",
                key=(doc.label,),
            )

    rule.checker(check)
    return rule


def _runtime_error(policy: Policy, doc: Document, exc: Exception, stage: str) -> Finding:
    """An expression that fails while evaluating: one OAF000 finding at the policy's `when` or `assert`."""
    line, column = policy.source.at(stage)
    detail = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, KeyError):
        detail = f"no field {detail}"
    return Finding(
        rule="OAF000", severity="error", file=policy.source.file, line=line, column=column,
        message=f"Policy {policy.id}: the `{stage}` expression failed on {doc.label}: {detail}",
        hint="test optional fields with has(self.field) before reading them; "
             f"variables: {', '.join(VARIABLES)}",
        fingerprint=fingerprint("OAF000", (policy.source.file, policy.id, "evaluation")),
    )


def local_rules(documents: list[Document], issues: list[LoadIssue]) -> list[Rule]:
    """The engine's rule provider: one rule per valid Policy document; problems become OAF000 issues."""
    policies = [d for d in documents if isinstance(d, Policy)]
    if not policies:
        return []
    from oafctl.rules import builtin_rules

    taken = {r.id: "a built-in rule" for r in builtin_rules()}
    rules: list[Rule] = []
    for policy in policies:
        src = policy.source
        if policy.id in taken:
            line, column = src.at("id")
            issues.append(LoadIssue(src.file, line, column,
                                    f"Policy {policy.id}: the id is already used by {taken[policy.id]}",
                                    hint="give each policy its own id", key=f"policy|{policy.id}|duplicate"))
            continue
        compiled: dict[str, Any] = {}
        failed = False
        for field, text in (("when", policy.when), ("assert", policy.assert_)):
            if text is None:
                continue
            try:
                compiled[field] = compile_expression(text)
            except CompileError as exc:
                line, column = src.at(field)
                issues.append(LoadIssue(src.file, line, column,
                                        f"Policy {policy.id}: the `{field}` expression is not valid CEL: {exc}",
                                        hint="see https://cel.dev for the language; variables: "
                                             + ", ".join(VARIABLES),
                                        key=f"policy|{policy.id}|{field}"))
                failed = True
        if failed:
            continue
        taken[policy.id] = f"the policy at {src.file}:{src.line}"
        rules.append(make_rule(policy, compiled["assert"], compiled.get("when")))
    return rules
