"""Helpers for the per-rule tests: run `oafctl validate --format json` on a repo and locate text in it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import EXAMPLES, validate_json

RULE_EXAMPLES = EXAMPLES / "rules"


def findings(repo: Path, *extra: str) -> list[dict[str, Any]]:
    """Every finding of a run from inside the repo, so that `file` is relative to it (e.g. mous/QHM.yaml)."""
    _code, report = validate_json(repo, *extra, cwd=repo)
    result: list[dict[str, Any]] = report["findings"]
    return result


def of_rule(repo: Path, rule: str, *extra: str) -> list[dict[str, Any]]:
    return [f for f in findings(repo, *extra) if f["rule"] == rule]


def at(repo: Path, file: str, needle: str) -> tuple[int, int]:
    """1-based line and column where `needle` starts in `file`; it must occur exactly once."""
    text = (repo / file).read_text(encoding="utf-8")
    assert text.count(needle) == 1, f"{needle!r} occurs {text.count(needle)} times in {file}"
    before = text[: text.index(needle)]
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


def value_at(repo: Path, file: str, line_text: str) -> tuple[int, int]:
    """Where the value of a `key: value` line starts; `line_text` is the whole `key: value` text."""
    line, column = at(repo, file, line_text)
    return line, column + line_text.index(": ") + 2


def where(finding: dict[str, Any]) -> tuple[str, int, int]:
    return finding["file"], finding["line"], finding["column"]


def assert_names(finding: dict[str, Any], *codes: str) -> None:
    """The finding lists these organisations and its message names each of them."""
    for code in codes:
        assert code in finding["organisations"], (code, finding)
        assert code in finding["message"], (code, finding["message"])


def example_result(rule: str) -> tuple[int, set[str]]:
    """Exit code of the bundled examples/rules/<rule>/ estate, and the rules it fails with."""
    code, report = validate_json(RULE_EXAMPLES / rule, cwd=RULE_EXAMPLES / rule)
    return code, {f["rule"] for f in report["findings"]}
