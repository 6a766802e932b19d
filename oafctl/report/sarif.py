"""`--format sarif`: SARIF 2.1.0 for code scanning (GitHub shows each result on the line it names).

Byte-stable: no timestamps, no absolute paths; rules and results sorted. A waived finding stays in the log
with a `suppressions` entry (inSource for comments and Waiver documents, external for a baseline), which is
how SARIF consumers hide accepted results without losing them.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, TextIO

from oafctl import __version__
from oafctl.baseline import PREFIX as BASELINE_PREFIX
from oafctl.findings import Finding

if TYPE_CHECKING:
    from oafctl.engine import Run

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def _rule_descriptor(run: Run, rule_id: str) -> dict[str, Any]:
    rule = next((r for r in run.rules if r.id == rule_id), None)
    if rule is None:
        return {"id": rule_id, "shortDescription": {"text": rule_id}}
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": " ".join(rule.what.split())},
        "help": {"text": " ".join(rule.why.split()) + f" (see `oafctl explain {rule.id}`)"},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"origin": rule.origin},
    }
    source = run.pack.sources.get(rule.id)
    if source is not None:
        descriptor["properties"]["source"] = source.cite
    return descriptor


def _result(f: Finding, index: int) -> dict[str, Any]:
    message = f.message + (f" (hint: {f.hint})" if f.hint else "")
    result: dict[str, Any] = {
        "ruleId": f.rule,
        "ruleIndex": index,
        "level": LEVELS[f.severity],
        "message": {"text": message},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": f.file, "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": f.line, "startColumn": f.column},
            },
        }],
        "partialFingerprints": {"oafctlFingerprint/v1": f.fingerprint},
    }
    if f.organisations:
        result["properties"] = {"organisations": list(f.organisations)}
    if f.waived:
        external = f.waiver_reason.startswith(BASELINE_PREFIX)
        result["suppressions"] = [{
            "kind": "external" if external else "inSource",
            "status": "accepted",
            "justification": f.waiver_reason,
        }]
    return result


def document(run: Run) -> dict[str, Any]:
    rule_ids = sorted({r.id for r in run.rules} | {f.rule for f in run.findings})
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "oafctl",
                    "version": __version__,
                    "semanticVersion": __version__,
                    "rules": [_rule_descriptor(run, rule_id) for rule_id in rule_ids],
                },
            },
            "automationDetails": {"id": f"oafctl/{run.pack.id}/"},
            "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The directory oafctl ran in"}}},
            "columnKind": "unicodeCodePoints",
            "properties": {"framework": run.pack.id, "as_of": run.as_of.isoformat()},
            "results": [_result(f, index[f.rule]) for f in run.findings],
        }],
    }


def render(run: Run, stream: TextIO) -> None:
    stream.write(json.dumps(document(run), indent=2, ensure_ascii=False))
    stream.write("\n")
