"""Run `kind: PolicyTest` documents: validate each test's estate and compare the findings with the ones
it expects, in the manner of `conftest verify` and `kyverno test`.

A test passes when every expected finding is reported and (unless `partial: true`) nothing else is. A
malformed test, a test file that cannot be parsed, an estate that cannot be read, or an expectation naming
a rule that does not exist in the run is a failure, never a silent pass.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from oafctl.findings import Finding
from oafctl.load import LoadIssue
from oafctl.load.discover import DiscoveryError, load_tree
from oafctl.model.build import build_document
from oafctl.policy.documents import ExpectedFinding, PolicyTest, TestEstate


@dataclass
class Outcome:
    """One test's result: where it is, its name, and what differed (empty when it passed)."""

    file: str
    line: int
    name: str
    errors: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not (self.errors or self.missing or self.unexpected)


def describe_expected(e: ExpectedFinding) -> str:
    out = e.rule
    if e.organisations is not None:
        out += f" [{', '.join(sorted(e.organisations))}]"
    if e.severity:
        out += f" {e.severity}"
    if e.file or e.line:
        out += f" at {e.file or '*'}:{e.line or '*'}"
    return out


def describe_actual(f: Finding) -> str:
    return f"{f.rule} [{', '.join(f.organisations)}] {f.severity} at {f.file}:{f.line}: {f.message}"


def _matches(e: ExpectedFinding, f: Finding) -> bool:
    return (
        e.rule == f.rule
        and (e.organisations is None or sorted(set(e.organisations)) == list(f.organisations))
        and (e.file is None or e.file == f.file)
        and (e.line is None or e.line == f.line)
        and (e.severity is None or e.severity == f.severity)
    )


def compare(expected: list[ExpectedFinding], actual: list[Finding], partial: bool) -> tuple[list[str], list[str]]:
    """(missing, unexpected) descriptions; the most specific expectations are matched first."""
    def specificity(e: ExpectedFinding) -> int:
        return sum(x is not None for x in (e.organisations, e.file, e.line, e.severity))

    remaining = list(actual)
    missing: list[str] = []
    for e in sorted(expected, key=specificity, reverse=True):
        for index, f in enumerate(remaining):
            if _matches(e, f):
                del remaining[index]
                break
        else:
            missing.append(describe_expected(e))
    unexpected = [] if partial else [describe_actual(f) for f in remaining]
    return sorted(missing), unexpected


def _prepare(test: PolicyTest, base: Path, work: Path) -> Path:
    """The folder to validate: the test's path as is, or a copy with its files and policies added."""
    spec = test.estate if isinstance(test.estate, TestEstate) else TestEstate(path=test.estate)
    source = (base / spec.path).resolve() if spec.path else None
    if source is not None and not source.exists():
        raise FileNotFoundError(f"estate path {spec.path!r} does not exist (relative to {base})")
    if source is not None and not spec.files and not spec.policies:
        return source
    root = work / "estate"
    if source is not None and source.is_dir():
        shutil.copytree(source, root, ignore=shutil.ignore_patterns(".*", ".oafctl-cache"))
    else:
        root.mkdir(parents=True)
        if source is not None:
            shutil.copy2(source, root / source.name)
    for index, policy in enumerate(spec.policies):
        path = (base / policy).resolve()
        if not path.is_file():
            raise FileNotFoundError(f"policy file {policy!r} does not exist (relative to {base})")
        target = root / "_policies" / f"{index:02d}-{path.name}"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    for name, text in spec.files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def run_test(test: PolicyTest) -> Outcome:
    from oafctl.engine import UsageError, validate

    src = test.source
    outcome = Outcome(src.file, src.line, test.name)
    base = Path(src.file).parent
    with tempfile.TemporaryDirectory(prefix="oafctl-test-") as tmp:
        try:
            root = _prepare(test, base, Path(tmp))
            run = validate(root, framework=test.framework, as_of=test.as_of,
                           cwd=root if root.is_dir() else root.parent)
        except (OSError, UsageError) as exc:  # a missing path, an unreadable copy, nothing to validate
            outcome.errors.append(f"the test's estate cannot be checked: {exc}")
            return outcome
    known = {r.id for r in run.rules}
    for rule in sorted({e.rule for e in test.expect} - known):
        outcome.errors.append(f"expects rule {rule}, but no rule {rule} is in force (built-in or local)")
    if outcome.errors:
        return outcome
    actual = [f for f in run.findings if not f.waived]
    outcome.missing, outcome.unexpected = compare(test.expect, actual, test.partial)
    return outcome


def _problem(file: str, issue: LoadIssue) -> Outcome:
    return Outcome(file, issue.line, "(malformed test)", errors=[f"{issue.file}:{issue.line}:{issue.column}: "
                                                                  f"{issue.message}"])


def collect(path: Path) -> tuple[list[PolicyTest], list[Outcome]]:
    """The PolicyTests under `path` and a failed Outcome for each that cannot be read. Other kinds of
    document (policies, estates) may sit beside the tests and are ignored."""
    files = load_tree(path, cwd=Path.cwd())
    tests: list[PolicyTest] = []
    broken: list[Outcome] = []
    for loaded in files:
        broken.extend(_problem(loaded.display, issue) for issue in loaded.issues)
        for raw in loaded.documents:
            if not (isinstance(raw.data, dict) and raw.data.get("kind") == "PolicyTest"):
                continue
            result = build_document(raw, loaded.display)
            if isinstance(result, list):
                name = raw.data.get("name")
                outcome = Outcome(loaded.display, raw.line, name if isinstance(name, str) else "(malformed test)")
                outcome.errors = [f"malformed PolicyTest: {i.file}:{i.line}:{i.column}: {i.message}" for i in result]
                broken.append(outcome)
            elif isinstance(result, PolicyTest):
                tests.append(result)
    return tests, broken


def run_tests(path: Path) -> list[Outcome]:
    """Every test under `path`, in file order. Raises DiscoveryError when there is nothing to run."""
    tests, broken = collect(path)
    if not tests and not broken:
        raise DiscoveryError(f"no PolicyTest documents found under {path}")
    outcomes = broken + [run_test(t) for t in tests]
    return sorted(outcomes, key=lambda o: (o.file, o.line))


__all__ = ["Outcome", "compare", "run_tests"]
