"""Stage 4: the rules. One module per rule, each defining `rule = Rule(...)` and its check function.

The registry discovers the modules of this package; the engine runs whatever it finds and knows no rule
by name. A rule reads the estate and the policy pack and yields findings; it never prints.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from oafctl.findings import Finding, Severity, fingerprint

if TYPE_CHECKING:
    from oafctl.estate import Estate
    from oafctl.load import LoadIssue
    from oafctl.model.documents import Document
    from oafctl.model.source import Source
    from oafctl.packs import Pack


@dataclass
class Context:
    """What every rule may read."""

    estate: Estate
    pack: Pack
    issues: list[LoadIssue] = field(default_factory=list)
    unmodelled: frozenset[str] = frozenset()
    """Codes of documents that failed the schema: references to them are not reported again."""
    findings: list[Finding] = field(default_factory=list)
    """The other rules' findings (after severity settings), for rules with `needs_findings` (OAF021)."""

    def who(self, code: str) -> str:
        """An organisation as findings name it: code and name."""
        org = self.estate.declared.get(code)
        return f"{code} ({org.name})" if org is not None else code


Check = Callable[[Context], Iterable[Finding]]


@dataclass
class Rule:
    """A rule's identity and documentation, in the manner of ruff's rule docs."""

    id: str
    name: str
    title: str
    severity: Severity
    what: str
    why: str
    passing: str = ""
    failing: str = ""
    origin: str = "built-in"
    needs_findings: bool = False
    """Runs after every other rule, reading their findings in `Context.findings` (unused waivers)."""
    _check: Check | None = field(default=None, repr=False)

    def checker(self, func: Check) -> Check:
        self._check = func
        return func

    def check(self, ctx: Context) -> Iterable[Finding]:
        if self._check is None:  # pragma: no cover - a module without a check is a programming error
            raise RuntimeError(f"rule {self.id} has no check function")
        return self._check(ctx)

    def finding(
        self,
        source: Source | Document,
        path: Sequence[str | int],
        message: str,
        *,
        organisations: Iterable[str] = (),
        hint: str = "",
        key: Iterable[str] = (),
        severity: Severity | None = None,
        use_key_position: bool = False,
    ) -> Finding:
        """A finding at `path` inside a document; `key` names the logical object for the fingerprint."""
        from oafctl.model.documents import Document

        src = source.source if isinstance(source, Document) else source
        line, column = src.key_at(*path) if use_key_position else src.at(*path)
        orgs = tuple(sorted(set(organisations)))
        return Finding(
            rule=self.id,
            severity=severity or self.severity,
            file=src.file,
            line=line,
            column=column,
            message=message,
            organisations=orgs,
            hint=hint,
            fingerprint=fingerprint(self.id, tuple(key) or (*orgs, message)),
        )


@cache
def builtin_rules() -> tuple[Rule, ...]:
    """Every rule module in this package, sorted by ID."""
    found: list[Rule] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        rule = getattr(module, "rule", None)
        if isinstance(rule, Rule):
            found.append(rule)
    return tuple(sorted(found, key=lambda r: r.id))


def rules_by_id() -> dict[str, Rule]:
    return {r.id: r for r in builtin_rules()}
