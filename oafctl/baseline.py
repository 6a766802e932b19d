"""Baselines: adopt oafctl on an existing repo and fail only on new findings.

`oafctl validate --write-baseline FILE` records the fingerprint of every finding not already waived;
`--baseline FILE` marks the findings whose fingerprint is recorded as waived ("baseline: FILE"), so they
still show in every report but no longer fail the run. Fingerprints hash the rule and the logical object,
never the line, so unrelated edits do not resurrect old findings; fixing a finding and breaking it again
later does not either — which is the point of a baseline, and why it should shrink over time.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from oafctl import __version__
from oafctl.findings import Finding

FORMAT = "oafctl-baseline/v1"
PREFIX = "baseline:"


class BaselineError(Exception):
    """A baseline file that cannot be read or written (a usage error)."""


def document(findings: Iterable[Finding]) -> dict[str, Any]:
    """The baseline of `findings`: sorted, one entry per fingerprint, no timestamps."""
    entries: dict[str, dict[str, Any]] = {}
    for f in findings:
        if f.waived or f.fingerprint in entries:
            continue
        entries[f.fingerprint] = {"fingerprint": f.fingerprint, "rule": f.rule, "file": f.file,
                                  "organisations": list(f.organisations), "message": f.message}
    return {"format": FORMAT, "oafctl": __version__,
            "findings": [entries[k] for k in sorted(entries, key=lambda k: (entries[k]["rule"], k))]}


def write(path: Path, findings: Iterable[Finding]) -> int:
    """Write the baseline; returns how many findings it records."""
    doc = document(findings)
    try:
        path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8", newline="\n")
    except OSError as exc:
        raise BaselineError(f"cannot write baseline {path}: {exc.strerror or exc}") from exc
    return len(doc["findings"])


def read(path: Path) -> set[str]:
    """The fingerprints recorded in a baseline file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"baseline {path} does not exist; create it with --write-baseline") from None
    except OSError as exc:
        raise BaselineError(f"cannot read baseline {path}: {exc.strerror or exc}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BaselineError(f"baseline {path} is not JSON: {exc}") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("findings"), list):
        raise BaselineError(f"baseline {path} is not an oafctl baseline (expected \"format\": \"{FORMAT}\")")
    prints: set[str] = set()
    for entry in data["findings"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("fingerprint"), str):
            raise BaselineError(f"baseline {path}: every entry needs a \"fingerprint\"")
        prints.add(entry["fingerprint"])
    return prints


def apply(findings: Iterable[Finding], fingerprints: set[str], label: str) -> list[Finding]:
    """Mark findings recorded in the baseline as waived, with the reason `baseline: <label>`."""
    return [dataclasses.replace(f, waived=True, waiver_reason=f"{PREFIX} {label}")
            if not f.waived and f.fingerprint in fingerprints else f
            for f in findings]
