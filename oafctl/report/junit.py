"""`--format junit`: JUnit XML for CI test reports, one test case per rule × file.

Every rule is a test of every file, so a clean run shows what was checked, not an empty report. A case fails
(one <failure> listing its findings) on an error or warning; a case whose findings are all waived is
<skipped> with the reasons; notes (info) pass and go to <system-out>. No timestamps or durations.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import TYPE_CHECKING, TextIO

from oafctl.findings import Finding

if TYPE_CHECKING:
    from oafctl.engine import Run


def _line(f: Finding) -> str:
    text = f"{f.file}:{f.line}:{f.column}: {f.severity} {f.rule}: {f.message}"
    if f.waived:
        text += f" [waived: {f.waiver_reason}]"
    elif f.hint:
        text += f" (hint: {f.hint})"
    return text


def render(run: Run, stream: TextIO) -> None:
    by_case: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for f in run.findings:
        by_case[(f.file, f.rule)].append(f)
    files = sorted({f.display for f in run.files} | {f.file for f in run.findings})
    rules = {r.id: r for r in run.rules}
    rule_ids = sorted(set(rules) | {f.rule for f in run.findings})
    root = ET.Element("testsuites", name="oafctl")
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for file in files:
        suite = ET.SubElement(root, "testsuite", name=file)
        counts = {"tests": 0, "failures": 0, "skipped": 0}
        for rule_id in rule_ids:
            rule = rules.get(rule_id)
            case = ET.SubElement(suite, "testcase", classname=file,
                                 name=f"{rule_id} {rule.name}" if rule else rule_id)
            counts["tests"] += 1
            found = by_case.get((file, rule_id), [])
            failing = [f for f in found if not f.waived and f.severity != "info"]
            waived = [f for f in found if f.waived]
            notes = [f for f in found if not f.waived and f.severity == "info"]
            if failing:
                counts["failures"] += 1
                worst = "error" if any(f.severity == "error" for f in failing) else "warning"
                failure = ET.SubElement(case, "failure", type=worst,
                                        message=f"{len(failing)} finding{'s' if len(failing) != 1 else ''}: "
                                                f"{failing[0].message}")
                failure.text = "\n".join(_line(f) for f in failing + waived + notes)
            elif waived:
                counts["skipped"] += 1
                ET.SubElement(case, "skipped", message="waived: " + "; ".join(f.waiver_reason for f in waived))
            if notes and not failing:
                ET.SubElement(case, "system-out").text = "\n".join(_line(f) for f in notes)
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
        suite.set("errors", "0")
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("errors", "0")
    ET.indent(root)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(root, encoding="unicode"))
    stream.write("\n")
